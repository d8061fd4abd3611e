export * from './persons-of';
export * from './persons.errors';
export * from './persons.indexer';
export * from './persons.service';
export * from './persons.module';

export * from './transparency.module';
export * from './transparency.service';

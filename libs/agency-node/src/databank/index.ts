export * from './databank.module';
export * from './databank.service';
export * from './databank.replica';
export * from './databank.errors';
export * from './document-key';
export * from './bank-version';
export * from './search-query';
export * from './databank.retention';

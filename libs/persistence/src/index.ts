export * from './database';
export * from './group-commit';
export * from './prepared';
export * from './key-lookup-transaction';
export * from './key-lookup-pool';
export * from './roles';
export * from './app-database';

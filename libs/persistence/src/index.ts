export * from './database';
export * from './group-commit';
export * from './prepared';
export * from './key-lookup-transaction';

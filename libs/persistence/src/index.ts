export * from './database';
export * from './group-commit';
export * from './prepared';

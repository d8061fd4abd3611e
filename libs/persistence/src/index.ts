export * from './database';
export * from './group-commit';

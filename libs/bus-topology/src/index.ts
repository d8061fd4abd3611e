export * from './errors';
export * from './topology';
export * from './manifest';
export * from './provision';
export * from './launcher';
export * from './start';

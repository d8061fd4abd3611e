export * from './signing';
export * from './passwords';
export * from './merkle';

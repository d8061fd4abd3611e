export * from './signing';
export * from './passwords';
export * from './merkle';
export * from './ed25519';

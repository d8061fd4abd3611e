export * from './clock';
export * from './uuid';
export * from './config';
export * from './logger';
export * from './random';

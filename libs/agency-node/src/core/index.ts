export * from './core.module';
export * from './live-events';
export * from './metrics';
export * from './page.query';
export * from './config';
export * from './errors';
export * from './tokens';
export * from './log-identity';

export * from './app-error';
export * from './console';
export * from './health';
export * from './http-exception.filter';
export * from './http-app';
export * from './environment';
export * from './shutdown';
export * from './health.controller';

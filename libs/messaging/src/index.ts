export * from './errors';
export * from './nats';
export * from './jetstream.server';
export * from './rpc';
export * from './bus';
export * from './endpoint';
export * from './nkey-auth';

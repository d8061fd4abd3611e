export * from './db';
export * from './schema';
export * from './log-store';
export * from './checkpointer';
export * from './witness-store';
export * from './export';
export * from './appender';

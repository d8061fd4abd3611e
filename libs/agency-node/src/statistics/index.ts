export * from './statistics.module';
export * from './reconcile';

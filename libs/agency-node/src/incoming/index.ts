export * from './incoming.module';
export * from './intake.service';
export * from './reports.service';
export * from './inbox-checks';

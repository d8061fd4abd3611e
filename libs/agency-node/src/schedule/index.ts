export * from './schedule.module';
export * from './drafts.service';
export * from './due.service';
export * from './notifications.service';
export * from './compose-periods';

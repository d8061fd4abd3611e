export * from './desk.module';
export * from './messages.service';

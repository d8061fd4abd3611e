export * from './exchange.module';
export * from './outbox.relay';
export * from './outbox.maintenance';
export * from './outbox.signing';
export * from './receipt-items';
export * from './sent-messages';
export * from './single-message';
export * from './write-batch';

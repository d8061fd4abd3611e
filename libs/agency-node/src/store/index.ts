// The node's stores: all of its SQL (see db.ts for which way to PostgreSQL each purpose takes).
export * from './db';
export * from './audit.store';
export * from './databank.store';
export * from './dead-letters.store';
export * from './drafts.store';
export * from './due.store';
export * from './handover.store';
export * from './incoming.store';
export * from './integration.store';
export * from './log.store';
export * from './messages.store';
export * from './notifications.store';
export * from './outbox.store';
export * from './persons.store';
export * from './receipts.store';
export * from './statistics.store';
export * from './store.module';

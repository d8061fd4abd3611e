export * from './receipts.module';
export * from './receipts.service';

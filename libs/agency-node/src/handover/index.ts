export * from './act';
export * from './handover.errors';
export * from './handover.module';
export { printAct, keyFingerprint } from './print';

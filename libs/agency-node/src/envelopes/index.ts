export * from './envelopes';
export * from './verification';

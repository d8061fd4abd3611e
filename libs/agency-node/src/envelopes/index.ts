export * from './envelopes';
export * from './time-claims';
export * from './verification';
export * from './integrity';

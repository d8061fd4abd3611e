export * from './envelopes';
export * from './time-claims';

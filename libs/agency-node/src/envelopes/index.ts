export * from './envelopes';
export * from './integrity';

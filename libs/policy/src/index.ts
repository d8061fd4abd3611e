/**
 * @shekara/policy — the exchange schedule as versioned data and the pure, time-zone-aware functions
 * that judge a record of exchanged messages against it. Imports nothing internal, does no I/O and
 * never reads the clock: callers pass "now" (asOf).
 */
export * from './time';
export * from './policy';
export * from './types';
export * from './directory';
export * from './evaluate';
export * from './windows';
export * from './records';
export * from './plausibility';
export * from './reconcile';

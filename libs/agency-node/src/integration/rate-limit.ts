import type { Clock } from '@shekara/common';

/** At most this many accounts are remembered (a bucket is cheap; this only bounds memory). */
const MAX_BUCKETS = 10_000;

/**
 * A token bucket per service account, in this process: `perMinute` requests a minute on average, in
 * bursts of up to a tenth of a minute's worth (at least 1). A request over it is answered 429 with the
 * seconds until the next token (Retry-After). A restart refills the buckets.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock) {}

  static burst(perMinute: number): number {
    return Math.max(1, Math.ceil(perMinute / 10));
  }

  /** 0 when the request may go ahead (a token is taken), else the seconds to wait. */
  take(key: string, perMinute: number): number {
    const now = this.clock.now().getTime();
    const capacity = RateLimiter.burst(perMinute);
    const perMs = perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
    if (this.buckets.size >= MAX_BUCKETS && !this.buckets.has(key)) this.buckets.clear();
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
  }
}

import type { Clock } from '@shekara/common';

/** How sign-in attempts are limited (per user name and per client address). */
export interface ThrottleSettings {
  /** Failures of one user name within `windowS` that lock it for `lockS`. */
  userFailures: number;
  /** Failures from one address within `windowS` that lock it for `lockS`. */
  addressFailures: number;
  /** Attempts (failed or not) from one address within a minute. */
  addressPerMinute: number;
  windowS: number;
  lockS: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { userFailures: 5, addressFailures: 20, addressPerMinute: 30, windowS: 900, lockS: 900 };

/** At most this many keys are remembered; the oldest are forgotten first (a flood of names cannot grow memory). */
const MAX_KEYS = 50_000;

/**
 * Sliding windows of sign-in attempts per user name and per address, in this process. A locked key
 * answers 429 with the seconds left; a success clears the user name's failures. Held in memory: a
 * restart forgets them (a node is one process per agency; the lock is a brake, not a record).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly attempts = new Map<string, number[]>();
  private readonly locked = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly s: ThrottleSettings = DEFAULT_THROTTLE,
  ) {}

  /** Seconds until this attempt may be made, or 0 (and the attempt is counted for the address). */
  admit(username: string, address: string): number {
    const now = this.clock.now().getTime();
    const wait = Math.max(this.lockLeft(`u:${username}`, now), this.lockLeft(`a:${address}`, now));
    if (wait > 0) return wait;
    const recent = this.recent(this.attempts, `a:${address}`, now, 60_000);
    if (recent.length >= this.s.addressPerMinute) return Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
    recent.push(now);
    return 0;
  }

  failed(username: string, address: string): void {
    const now = this.clock.now().getTime();
    this.count(`u:${username}`, this.s.userFailures, now);
    this.count(`a:${address}`, this.s.addressFailures, now);
  }

  succeeded(username: string): void {
    this.failures.delete(`u:${username}`);
  }

  private count(key: string, limit: number, now: number): void {
    const list = this.recent(this.failures, key, now, this.s.windowS * 1000);
    list.push(now);
    if (list.length >= limit) {
      this.remember(this.locked, key, now + this.s.lockS * 1000);
      this.failures.delete(key);
    }
  }

  private lockLeft(key: string, now: number): number {
    const until = this.locked.get(key);
    if (until === undefined) return 0;
    if (until <= now) {
      this.locked.delete(key);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  private recent(map: Map<string, number[]>, key: string, now: number, spanMs: number): number[] {
    const list = (map.get(key) ?? []).filter((t) => t > now - spanMs);
    this.remember(map, key, list);
    return list;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_KEYS) map.delete(map.keys().next().value!);
  }
}

/**
 * Bounds the password checks running at once (argon2id takes 64 MiB and tens of ms of CPU each): at
 * most `concurrency` run, `queue` more wait; beyond that a sign-in is refused at once, so a flood of
 * sign-ins cannot take the CPU and memory every other request needs.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency = 2,
    private readonly queue = 8,
  ) {}

  /** Runs `work` when a slot is free; undefined when too many wait already. */
  async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

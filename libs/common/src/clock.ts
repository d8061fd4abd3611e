/**
 * The only source of "now" for domain code. Production binds SystemClock; tests bind a FixedClock
 * or a ManualClock and move time explicitly. Domain code never calls Date.now() or new Date().
 */
export abstract class Clock {
  abstract now(): Date;
  nowMs(): number {
    return this.now().getTime();
  }
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
  override nowMs(): number {
    return Date.now();
  }
}

/** A clock that stays where it is put; advance() moves it forward. */
export class ManualClock extends Clock {
  private ms: number;
  constructor(start: Date | string) {
    super();
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

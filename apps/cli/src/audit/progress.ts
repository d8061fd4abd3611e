import type { Writable } from 'node:stream';

/**
 * Progress of a long `shekara audit` on stderr, only when stderr is a terminal (isTTY): one line
 * rewritten in place (reading the journal: percent of its bytes and lines; judging; writing the
 * verdicts), at most every `everyMs`, cleared at the end. Piped or redirected, nothing is written,
 * so scripts see stderr exactly as before.
 */
export class Progress {
  private last = Number.NEGATIVE_INFINITY;
  private shown = false;
  readonly enabled: boolean;

  constructor(
    private readonly out: Writable,
    private readonly everyMs = 200,
    private readonly clock: () => number = Date.now,
  ) {
    this.enabled = (out as Writable & { isTTY?: boolean }).isTTY === true;
  }

  reading(bytes: number, total: number, lines: number, force = false): void {
    const pct = total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : 100;
    this.show(`reading journal ${pct}% (${mb(bytes)} of ${mb(total)} MB, ${lines.toLocaleString('en-US')} lines)`, force);
  }

  judging(messages: number): void {
    this.show(`judging ${messages.toLocaleString('en-US')} messages…`, true);
  }

  writing(done: number, total: number, force = false): void {
    this.show(`writing verdicts ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`, force);
  }

  /** Clears the line (before other stderr output and at the end). */
  clear(): void {
    if (this.enabled && this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }

  private show(text: string, force: boolean): void {
    if (!this.enabled) return;
    const now = this.clock();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    this.out.write(`\r\x1b[Kshekara audit: ${text}`);
    this.shown = true;
  }
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

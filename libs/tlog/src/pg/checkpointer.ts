import type { NoteSigner } from '../core/note';
import type { PgLogStore, StoredCheckpoint } from './log-store';

export interface CheckpointerOptions {
  /** The log's origin line (and the signer's key name). */
  origin: string;
  signer: NoteSigner;
  /** Checkpoints are signed at most this often, whenever the log grew; at most 10 s. */
  intervalMs: number;
  /** Told of each new checkpoint (e.g. to send it to the witnesses); errors are its own. */
  onCheckpoint?: (cp: StoredCheckpoint) => void;
  /** Told of a failed attempt (the next tick tries again). */
  onError?: (e: unknown) => void;
}

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
export const MAX_CHECKPOINT_INTERVAL_MS = 10_000;

/**
 * Signs a checkpoint every interval in which the log grew: never more often than the interval, so
 * at least every 10 s while the log grows. A tick never overlaps the previous one.
 */
export class Checkpointer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: PgLogStore,
    private readonly options: CheckpointerOptions,
  ) {
    if (!(options.intervalMs > 0 && options.intervalMs <= MAX_CHECKPOINT_INTERVAL_MS)) {
      throw new RangeError(`checkpoint interval must be in (0, ${MAX_CHECKPOINT_INTERVAL_MS}] ms, got ${options.intervalMs}`);
    }
  }

  /** One attempt: the new checkpoint, or undefined if the log did not grow. */
  async tick(): Promise<StoredCheckpoint | undefined> {
    const cp = await this.store.signCheckpoint(this.options.origin, this.options.signer);
    if (cp) this.options.onCheckpoint?.(cp);
    return cp;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick().catch((e: unknown) => this.options.onError?.(e)));
    }, this.options.intervalMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

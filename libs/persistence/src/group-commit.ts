/**
 * Group commit: work items submitted at about the same time are applied together, in one
 * transaction, and each caller's promise settles when that transaction has committed (or failed).
 * A failed batch is retried item by item, so one bad item never holds the others back and each
 * caller gets its own outcome.
 */
export interface GroupCommitOptions {
  /** Most items applied in one batch. */
  maxBatch: number;
  /** Batches applied at once (each is one transaction, so at most the pool size). */
  parallel: number;
  /**
   * How long a batch that is not full waits for more items before it starts (default 0: only the
   * callers of the same tick join it). For work nobody waits on, such as the transparency log's
   * appends: fewer, larger transactions.
   */
  lingerMs?: number;
}

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupCommitter<T> {
  private queue: Pending<T>[] = [];
  private running = 0;
  private applying = 0;
  private scheduled = false;
  private lingering: ReturnType<typeof setTimeout> | undefined;

  /** apply(items) runs one transaction for the items; it throws to fail them all. */
  constructor(
    private readonly apply: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions,
  ) {}

  /** Items submitted and not yet settled (queued or in a batch being applied). */
  get backlog(): number {
    return this.queue.length + this.applying;
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    // A lingering batch that filled up starts now.
    if (this.lingering && this.queue.length >= this.options.maxBatch) {
      clearTimeout(this.lingering);
      this.lingering = undefined;
      this.scheduled = false;
    }
    if (this.scheduled || this.running >= this.options.parallel || !this.queue.length) return;
    this.scheduled = true;
    // Let the callers of this tick (or of the linger) join the batch before it starts.
    const linger = this.options.lingerMs ?? 0;
    if (linger > 0 && this.queue.length < this.options.maxBatch) this.lingering = setTimeout(() => this.start(), linger);
    else setImmediate(() => this.start());
  }

  private start(): void {
    this.lingering = undefined;
    this.scheduled = false;
    while (this.running < this.options.parallel && this.queue.length) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      this.applying += batch.length;
      void this.run(batch).finally(() => {
        this.running--;
        this.applying -= batch.length;
        this.schedule();
      });
    }
  }

  private async run(batch: Pending<T>[]): Promise<void> {
    try {
      await this.apply(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0].reject(err);
        return;
      }
    }
    for (const p of batch) {
      try {
        await this.apply([p.item]);
        p.resolve();
      } catch (err) {
        p.reject(err);
      }
    }
  }
}

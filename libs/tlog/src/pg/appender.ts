import { GroupCommitter } from '@shekara/persistence';
import type { LeafInput, PgLogStore } from './log-store';

interface Item {
  entry: LeafInput;
  index?: number;
}

/**
 * Group commit for the log: leaves appended at about the same time (by concurrent handlers) go
 * into one transaction; each caller learns its leaf's index once that transaction committed (an
 * entry the log already holds keeps the index it has).
 * One batch at a time: the log's writers are serialized by its lock anyway.
 */
export class LogAppender {
  private readonly committer: GroupCommitter<Item>;

  /** lingerMs: how long a batch waits for more leaves before it starts (GroupCommitOptions). */
  constructor(store: PgLogStore, maxBatch = 1000, lingerMs = 0) {
    this.committer = new GroupCommitter<Item>(
      async (items) => {
        const { indexes } = await store.append(items.map((i) => i.entry));
        items.forEach((item, k) => (item.index = indexes[k]));
      },
      { maxBatch, parallel: 1, lingerMs },
    );
  }

  /** Appends one leaf; resolves with its index when it is committed. */
  async append(entry: LeafInput): Promise<number> {
    const item: Item = { entry };
    await this.committer.submit(item);
    return item.index!;
  }

  get backlog(): number {
    return this.committer.backlog;
  }
}

import { GroupCommitter } from './group-commit';

describe('GroupCommitter', () => {
  it('applies items submitted together in one batch', async () => {
    const batches: number[][] = [];
    const g = new GroupCommitter<number>(async (items) => void batches.push(items), { maxBatch: 10, parallel: 1 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => g.submit(i)));
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('splits at maxBatch and keeps order', async () => {
    const batches: number[][] = [];
    const g = new GroupCommitter<number>(async (items) => void batches.push(items), { maxBatch: 2, parallel: 1 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => g.submit(i)));
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...batches.map((b) => b.length))).toBe(2);
  });

  it('retries a failed batch item by item: only the bad item fails', async () => {
    const applied: number[] = [];
    const g = new GroupCommitter<number>(
      async (items) => {
        if (items.includes(3)) throw new Error(`bad item in ${items.join(',')}`);
        applied.push(...items);
      },
      { maxBatch: 10, parallel: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => g.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(applied.sort()).toEqual([1, 2, 4]);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('bad item in 3');
  });

  it('counts the items not yet settled as its backlog (queued and being applied)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const g = new GroupCommitter<number>(() => gate, { maxBatch: 2, parallel: 1 });
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => g.submit(i)));
    expect(g.backlog).toBe(5);
    await new Promise((r) => setImmediate(r));
    expect(g.backlog).toBe(5); // two being applied, three queued
    release();
    await all;
    expect(g.backlog).toBe(0);
  });
});

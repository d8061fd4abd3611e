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

  it('with a linger, gathers the items of the next milliseconds into the batch; a full batch does not wait', async () => {
    // Only the linger's timer is faked: the test moves the time, so the machine's load cannot.
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'setInterval', 'clearInterval', 'Date', 'hrtime', 'performance'] });
    try {
      const batches: number[][] = [];
      const g = new GroupCommitter<number>(async (items) => void batches.push(items), { maxBatch: 3, parallel: 1, lingerMs: 40 });
      const first = g.submit(1);
      await jest.advanceTimersByTimeAsync(10);
      const second = g.submit(2); // 10 ms later: joins the first batch
      await jest.advanceTimersByTimeAsync(29);
      expect(batches).toEqual([]); // still lingering at 39 ms
      await jest.advanceTimersByTimeAsync(1);
      await Promise.all([first, second]);
      expect(batches).toEqual([[1, 2]]);
      // Without a linger the same two, one after the other, make two batches.
      const apart: number[][] = [];
      const h = new GroupCommitter<number>(async (items) => void apart.push(items), { maxBatch: 3, parallel: 1 });
      await h.submit(1);
      await h.submit(2);
      expect(apart).toEqual([[1], [2]]);
      // Three at once fill a batch: it is applied with the clock standing still, not after the linger.
      const filled = Promise.all([3, 4, 5].map((i) => g.submit(i)));
      const waited = new Promise((_, reject) => setImmediate(() => setImmediate(() => reject(new Error('the full batch waited for the linger')))));
      waited.catch(() => undefined); // settles after the race when the batch did not wait
      await Promise.race([filled, waited]);
      expect(batches[1]).toEqual([3, 4, 5]);
    } finally {
      jest.useRealTimers();
    }
  });
});

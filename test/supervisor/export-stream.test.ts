/**
 * A large export streams (#15 item 6): the journal of a range with a large ledger (N messages) is
 * written as the ledger is read through a cursor, so
 *  - the first bytes arrive while the server has read only a part of the rows (progress);
 *  - the heap does not grow with the export: what it holds (measured after a full collection, every
 *    ~2 MB received) while N rows stream stays a small fraction of the bytes sent (the in-memory
 *    build held every row and the whole text);
 *  - a client that goes away stops the server's work: the rows read stop well short of N, the
 *    cursor's query and transaction are gone from PostgreSQL and the connection is back in the pool.
 * The measurements are printed (they depend on the machine); the bounds asserted are loose.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock } from '@shekara/common';
import { SupervisorMetrics } from '../../apps/supervisor/src/ops/metrics';
import { SupervisorHarness, eventually } from './harness';

jest.setTimeout(600_000);

const N = 300_000;
const SENDER = 'border.l4.CP-CN-A-01';
const RECIPIENT = 'interior.l4.CP-CN-A-01';
const RANGE = 'from=2024-04-01&to=2024-04-30';

const h = new SupervisorHarness({ clock: new ManualClock('2024-05-10T00:00:00Z') });
let token: string;

beforeAll(async () => {
  await h.start();
  // N daily reports without a period over April (a ledger far larger than a month of the directory's).
  await h.sql(
    `INSERT INTO ledger_messages (id, kind, sender, recipients, sent_at, summary, node, event_id, recorded_at)
     SELECT 'bulk-' || lpad(g::text, 7, '0'), 'DAILY', $2, ARRAY[$3], timestamptz '2024-04-01T03:00:00Z' + (g % 28) * interval '1 day' + (g / 28) * interval '1 ms',
            '', 'border', 'bulk-' || g, now()
       FROM generate_series(1, $1::int) AS g`,
    [N, SENDER, RECIPIENT],
  );
  await h.sql(`UPDATE ledger_state SET version = version + 1`);
  await h.sql(`ANALYZE ledger_messages`);
  token = await h.login('supervisor');
}, 300_000);

afterAll(() => h.cleanup());

const metrics = () => h.app!.get(SupervisorMetrics);
const rowsRead = async () => (await metrics().exportRows.get()).values.reduce((s, v) => s + v.value, 0);
const running = async () => (await metrics().exportsRunning.get()).values[0]?.value ?? 0;
// A full collection on demand, to measure what the heap holds (not garbage not yet collected).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const live = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/** The export's backends in PostgreSQL: a query on the cursor, or a transaction left open. */
async function cursorBackends(): Promise<unknown[]> {
  return h.sql(
    `SELECT pid, state, query FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query ILIKE '%ledger_export%' OR state LIKE 'idle in transaction%')`,
  );
}

it('streams the journal of a large ledger: progress from the first rows, the heap bounded', async () => {
  const before = await rowsRead();
  const baseline = live();
  let peak = baseline;
  let samples = 0;
  const started = Date.now();
  const res = await fetch(`${h.url}/api/journal?${RANGE}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  expect(res.headers.get('content-disposition')).toBe('attachment; filename="journal-2024-04-01_2024-04-30.jsonl"');
  const reader = res.body!.getReader();
  let bytes = 0;
  let lines = 0;
  let readAtFirstChunk = -1;
  let firstChunkMs = -1;
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (readAtFirstChunk < 0) {
      readAtFirstChunk = (await rowsRead()) - before;
      firstChunkMs = Date.now() - started;
    }
    bytes += value.length;
    for (const b of value) if (b === 10) lines++;
    tail = (tail + Buffer.from(value.subarray(Math.max(0, value.length - 400))).toString('utf8')).slice(-400);
    // What the heap holds while the export runs, sampled every ~2 MB received.
    if (Math.floor(bytes / 2 ** 21) > samples) {
      samples = Math.floor(bytes / 2 ** 21);
      peak = Math.max(peak, live());
    }
  }
  const growth = peak - baseline;
  process.stdout.write(
    `export-stream: ${N} rows, ${mb(bytes)} in ${Date.now() - started} ms; first bytes after ${firstChunkMs} ms with ${readAtFirstChunk} rows read; heap held at most ${mb(growth)} more (${samples} samples after a full collection)\n`,
  );
  expect(lines).toBe(N);
  expect(JSON.parse(tail.trim().split('\n').pop()!)).toMatchObject({ kind: 'DAILY', from: SENDER, to: [RECIPIENT] });
  expect((await rowsRead()) - before).toBe(N);
  // Progress: the download began with a small part of the ledger read.
  expect(readAtFirstChunk).toBeGreaterThan(0);
  expect(readAtFirstChunk).toBeLessThan(N / 10);
  // Bounded: built in memory, the export held every row and all its text (more than `bytes`).
  expect(bytes).toBeGreaterThan(30 * 2 ** 20);
  expect(samples).toBeGreaterThan(10);
  expect(growth).toBeLessThan(bytes / 4);
  await eventually(async () => (await running()) === 0, 10_000, 'the export finished');
});

it('a client that goes away stops the server’s reading and closes the query', async () => {
  const before = await rowsRead();
  const abort = new AbortController();
  const res = await fetch(`${h.url}/api/journal?${RANGE}`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(first.done).toBe(false);
  expect(await running()).toBe(1);
  abort.abort();
  await reader.cancel().catch(() => undefined);

  await eventually(async () => (await running()) === 0, 30_000, 'the export stopped');
  const read = (await rowsRead()) - before;
  process.stdout.write(`export-stream: cancelled after ${read} of ${N} rows read\n`);
  expect(read).toBeLessThan(N / 2);
  // Nothing of it left in PostgreSQL: no query on the cursor, no transaction left open.
  await eventually(async () => (await cursorBackends()).length === 0, 10_000, 'the cursor closed');
  // Its reading stopped for good.
  await new Promise((r) => setTimeout(r, 1000));
  expect((await rowsRead()) - before).toBe(read);
  // The connection is back: the next export runs to the end.
  const again = await fetch(`${h.url}/api/journal?from=2024-04-01&to=2024-04-01`, { headers: { authorization: `Bearer ${token}` } });
  expect(again.status).toBe(200);
  expect((await again.text()).split('\n').filter(Boolean).length).toBeGreaterThan(0);
});

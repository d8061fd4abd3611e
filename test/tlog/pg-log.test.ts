import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ManualClock, SystemClock } from '@shekara/common';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import {
  Checkpointer,
  CompactRange,
  CosignatureSigner,
  MemoryHashSource,
  LOG_LOCK,
  LogAppender,
  PgLogStore,
  PgWitnessStore,
  TLOG_ALL_SQL,
  TransparencyLog1765000000000,
  TransparencyLogAppend1767400000000,
  consistencyProof,
  cosignatureVerifier,
  ed25519Signer,
  entityManagerDb,
  ed25519Verifier,
  formatAddCheckpointRequest,
  formatSignerKey,
  hashLeaf,
  openCheckpoint,
  parseNote,
  signatureLine,
  poolDb,
  SIG_TYPE_ED25519,
  signCheckpoint,
  treeRoot,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type LeafInput,
} from '@shekara/tlog';
import { PG_URL } from '../support/harness';
import { sleep, waitFor } from '../support/processes';

const ORIGIN = 'kz.shekara.interior/log';
const logKey = generateKeyPairSync('ed25519').privateKey;
const signer = ed25519Signer(ORIGIN, logKey);
const logV = ed25519Verifier(ORIGIN, logKey);

async function freshDb(tag: string): Promise<{ url: string; pool: Pool }> {
  const url = withDatabase(PG_URL, `shekara_tlog_${tag}_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  for (const sql of TLOG_ALL_SQL) await pool.query(sql);
  return { url, pool };
}

const entry = (i: number): LeafInput => ({ data: Buffer.from(`signed bytes ${i}`), messageId: `msg-${i}`, kind: i % 3 ? 'envelope' : 'receipt', direction: i % 2 ? 'sent' : 'received' });

describe('PostgreSQL transparency log', () => {
  let url: string;
  let pool: Pool;
  const clock = new ManualClock('2026-12-04T10:00:00Z');
  let store: PgLogStore;

  beforeAll(async () => {
    ({ url, pool } = await freshDb('log'));
    store = new PgLogStore(poolDb(pool), clock);
  });
  afterAll(async () => {
    await pool?.end();
    if (url) await dropDatabase(url);
  });

  it('appends batches, serves proofs that verify and checkpoints that are consistent', async () => {
    const mem = new MemoryHashSource();
    let n = 0;
    for (const b of [1, 2, 5, 13, 1, 40, 7]) {
      const batch = Array.from({ length: b }, (_, i) => entry(n + i));
      const r = await store.append(batch);
      expect(r).toEqual({ first: n, size: n + b, indexes: batch.map((_, i) => n + i) });
      for (const e of batch) mem.append(hashLeaf(e.data));
      n += b;
      clock.advance(1000);
      const cp = await store.signCheckpoint(ORIGIN, signer);
      expect(cp?.size).toBe(n);
      expect(Buffer.from(cp!.root).equals(Buffer.from(treeRoot(mem, n)))).toBe(true);
      expect(openCheckpoint(cp!.note, ORIGIN, [logV]).checkpoint.size).toBe(n);
    }
    // Nothing new: no checkpoint.
    expect(await store.signCheckpoint(ORIGIN, signer)).toBeUndefined();
    const cps = await store.checkpoints();
    for (let i = 0; i < n; i += 7) {
      const proof = await store.inclusionProof(i, n);
      expect(verifyInclusion(hashLeaf(entry(i).data), i, n, proof, treeRoot(mem, n))).toBe(true);
    }
    for (const a of cps)
      for (const b of cps)
        if (a.size <= b.size) expect(verifyConsistency(a.size, b.size, a.root, b.root, await store.consistencyProof(a.size, b.size))).toBe(true);
    await expect(store.inclusionProof(0, n + 1)).rejects.toThrow(/beyond/);
    const leaf = (await store.leavesOf('msg-3'))[0];
    expect(leaf).toMatchObject({ index: 3, kind: 'receipt', direction: 'sent' });
    expect((await store.scrub()).problems).toEqual([]);
  });

  it('signs a checkpoint of the committed size while an append holds the log (it does not wait for appends)', async () => {
    const { size } = await store.append([entry(5000)]);
    clock.advance(1000);
    await store.signCheckpoint(ORIGIN, signer);
    await store.append([entry(5001)]);
    const appending = await pool.connect();
    try {
      // An append in progress: the appenders' lock taken, its transaction open.
      await appending.query('BEGIN');
      await appending.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
      clock.advance(1000);
      const cp = await Promise.race([store.signCheckpoint(ORIGIN, signer), sleep(5000).then(() => 'waited for the append' as const)]);
      expect(cp).not.toBe('waited for the append');
      expect((cp as { size: number }).size).toBe(size + 1);
    } finally {
      await appending.query('ROLLBACK');
      appending.release();
    }
    expect((await store.scrub()).problems).toEqual([]);
  });

  it('refuses to change or delete what it logged (insert-only tables)', async () => {
    for (const sql of [
      `UPDATE tlog_leaf SET message_id = 'forged' WHERE idx = 0`,
      `DELETE FROM tlog_leaf WHERE idx = 0`,
      `UPDATE tlog_node SET hash = hash`,
      `DELETE FROM tlog_checkpoint`,
      `TRUNCATE tlog_leaf CASCADE`,
    ])
      await expect(pool.query(sql)).rejects.toThrow(/insert-only/);
  });

  it('stores only cosignatures that verify, and serves the cosigned checkpoint', async () => {
    const cp = (await store.latestCheckpoint())!;
    const wKey = generateKeyPairSync('ed25519').privateKey;
    const w = new CosignatureSigner('kz.shekara.border/witness', wKey);
    const good = signatureLine(w.cosign(parseNote(cp.note).text, 1_764_892_800));
    const stranger = signatureLine(new CosignatureSigner('kz.shekara.x/w', generateKeyPairSync('ed25519').privateKey).cosign(parseNote(cp.note).text, 1));
    expect(await store.addCosignatures(cp.size, good + stranger, [cosignatureVerifier(w.name, wKey)])).toBe(1);
    expect(await store.addCosignatures(cp.size, good, [cosignatureVerifier(w.name, wKey)])).toBe(0);
    const full = (await store.cosignedCheckpoint(cp.size))!;
    expect(verifyCheckpoint(full, { origin: ORIGIN, log: [logV], witnesses: [cosignatureVerifier(w.name, wKey)], quorum: 1 }).cosigners).toHaveLength(1);
  });
});

describe('PostgreSQL witness', () => {
  let url: string;
  let pool: Pool;
  const clock = new ManualClock('2026-12-04T10:00:00Z');
  const wKey = generateKeyPairSync('ed25519').privateKey;
  const cosigner = new CosignatureSigner('kz.shekara.customs/witness', wKey);
  let witness: PgWitnessStore;
  const leaves = Array.from({ length: 64 }, (_, i) => hashLeaf(Buffer.from(`e${i}`)));
  const src = new MemoryHashSource(leaves);
  const cpAt = (size: number, s = src) => signCheckpoint({ origin: ORIGIN, size, root: treeRoot(s, size), extensions: [] }, signer);
  const req = (old: number, size: number, s = src) => formatAddCheckpointRequest({ oldSize: old, proof: consistencyProof(s, old, size), checkpoint: cpAt(size, s) });

  beforeAll(async () => {
    ({ url, pool } = await freshDb('wit'));
    witness = new PgWitnessStore(poolDb(pool), [{ origin: ORIGIN, verifiers: [logV] }], cosigner, clock);
  });
  afterAll(async () => {
    await pool?.end();
    if (url) await dropDatabase(url);
  });

  it('cosigns, persists, answers conflicts and keeps fork evidence', async () => {
    expect((await witness.addCheckpoint(req(0, 10))).status).toBe(200);
    expect(await witness.addCheckpoint(req(0, 12))).toMatchObject({ kind: 'conflict', size: 10 });
    expect((await witness.addCheckpoint(req(10, 20))).status).toBe(200);
    expect((await witness.latest(ORIGIN))?.size).toBe(20);
    const forkedLeaves = [...leaves];
    forkedLeaves[5] = hashLeaf(Buffer.from('rewritten'));
    const forked = new MemoryHashSource(forkedLeaves);
    expect(await witness.addCheckpoint(formatAddCheckpointRequest({ oldSize: 20, proof: [], checkpoint: cpAt(20, forked) }))).toMatchObject({ kind: 'fork', status: 409 });
    expect(await witness.addCheckpoint(req(20, 30, forked))).toMatchObject({ status: 422 });
    const ev = await witness.evidence(ORIGIN);
    expect(ev.map((e) => e.reason)).toEqual(['same-size', 'unproven']);
    expect((await witness.latest(ORIGIN))?.size).toBe(20);
    expect(await witness.addCheckpoint('garbage')).toMatchObject({ status: 400 });
    await expect(pool.query('DELETE FROM tlog_witness_evidence')).rejects.toThrow(/insert-only/);
  });

  it('serializes concurrent requests: the size never goes back', async () => {
    const base = (await witness.latest(ORIGIN))!.size;
    const results = await Promise.all([req(base, 40), req(base, 30), req(base, 50)].map((b) => witness.addCheckpoint(b)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    const winner = results.find((r) => r.kind === 'cosigned');
    expect((await witness.latest(ORIGIN))?.size).toBe(winner?.kind === 'cosigned' ? winner.record.size : -1);
  });
});

describe('kill -9 while appending and checkpointing', () => {
  const child = join(__dirname, '../../dist/test/tlog/append-child.js');
  let url: string;
  let pool: Pool;

  beforeAll(async () => {
    ({ url, pool } = await freshDb('kill'));
  });
  afterAll(async () => {
    await pool?.end();
    if (url) await dropDatabase(url);
  });

  async function runAndKill(afterLines: number): Promise<number> {
    const p = spawn(process.execPath, [child, url, formatSignerKey(ORIGIN, SIG_TYPE_ED25519, logKey), ORIGIN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let last = 0;
    let err = '';
    p.stderr.on('data', (d) => (err += String(d)));
    await new Promise<void>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => {
        for (const l of String(d).split('\n').filter(Boolean)) {
          last = Number(l);
          // A moment later, wherever the writer is: mid-append, mid-checkpoint, mid-commit.
          if (++lines === afterLines) setTimeout(() => p.kill('SIGKILL'), Math.floor(Math.random() * 15));
        }
      });
      p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
    });
    return last;
  }

  async function checkInvariants(): Promise<number> {
    const store = new PgLogStore(poolDb(pool), new ManualClock('2026-12-04T10:00:00Z'));
    const size = await store.size();
    const [{ count }] = (await pool.query<{ count: string }>('SELECT count(*) FROM tlog_leaf')).rows;
    expect(Number(count)).toBe(size); // no gap
    const leaves = await store.leaves(0, size);
    const range = new CompactRange();
    const roots = new Map<number, Uint8Array>();
    leaves.forEach((l, i) => {
      expect(Buffer.from(l.leafHash).equals(Buffer.from(hashLeaf(Buffer.from(`leaf ${i}`))))).toBe(true); // each index written once, by the leaf meant for it
      range.append(l.leafHash);
      roots.set(range.size, range.root());
    });
    const cps = await store.checkpoints();
    for (const cp of cps) {
      expect(cp.size).toBeLessThanOrEqual(size); // no checkpoint of uncommitted leaves
      expect(Buffer.from(cp.root).equals(Buffer.from(roots.get(cp.size)!))).toBe(true); // no fork
      openCheckpoint(cp.note, ORIGIN, [logV]);
    }
    expect((await store.scrub()).problems).toEqual([]);
    return size;
  }

  it('leaves no gap and no fork, and the next writer continues the same tree', async () => {
    if (!existsSync(child)) throw new Error(`${child} is missing: run bash scripts/build.sh first`);
    let before = 0;
    for (const after of [40, 7, 90]) {
      const printed = await runAndKill(after);
      const size = await checkInvariants();
      expect(size).toBeGreaterThanOrEqual(printed); // everything reported committed is there
      expect(size).toBeGreaterThan(before);
      before = size;
      await sleep(10);
    }
  }, 120_000);
});

describe('group-committed appends', () => {
  let url: string;
  let pool: Pool;
  beforeAll(async () => {
    ({ url, pool } = await freshDb('grp'));
  });
  afterAll(async () => {
    await pool?.end();
    if (url) await dropDatabase(url);
  });

  it('gives every concurrent caller its own index, in fewer transactions than callers', async () => {
    const store = new PgLogStore(poolDb(pool), new ManualClock('2026-12-04T10:00:00Z'));
    const appender = new LogAppender(store, 50);
    const indexes = await Promise.all(Array.from({ length: 200 }, (_, i) => appender.append(entry(i))));
    expect([...indexes].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const leaves = await store.leaves(0, 200);
    indexes.forEach((index, i) => expect(leaves[index].messageId).toBe(`msg-${i}`));
    // xmin: the transaction that inserted the row. At most 50 leaves a batch, so at least 4 of them.
    const txs = Number((await pool.query<{ n: string }>('SELECT count(DISTINCT xmin::text) AS n FROM tlog_leaf')).rows[0].n);
    expect(txs).toBeGreaterThanOrEqual(4);
    expect(txs).toBeLessThan(200);
    expect((await store.scrub()).problems).toEqual([]);
  });
});

describe('appends in one round trip (tlog_append)', () => {
  let url: string;
  let pool: Pool;
  beforeAll(async () => {
    ({ url, pool } = await freshDb('one'));
  });
  afterAll(async () => {
    await pool?.end();
    if (url) await dropDatabase(url);
  });

  /** A store over the pool that counts its statements. */
  const counted = () => {
    const db = poolDb(pool);
    const seen = { statements: 0 };
    const count = <F extends (...a: never[]) => unknown>(f: F) => ((...a: Parameters<F>) => (seen.statements++, f(...a))) as F;
    const wrapped = { query: count(db.query), transaction: <T>(fn: (q: typeof db.query) => Promise<T>) => db.transaction((q) => fn(count(q))) };
    return { store: new PgLogStore(wrapped, new SystemClock()), seen };
  };

  it('appends in one statement once it knows the log, and takes the long way when another writer moved it or it holds an entry', async () => {
    const a = counted();
    const b = counted();
    // The first append of a process loads the log (the long way); the next ones are one statement each.
    expect(await a.store.append([entry(0), entry(1)])).toEqual({ first: 0, size: 2, indexes: [0, 1] });
    a.seen.statements = 0;
    expect(await a.store.append([entry(2), entry(3), entry(4)])).toEqual({ first: 2, size: 5, indexes: [2, 3, 4] });
    expect(await a.store.append([entry(5)])).toEqual({ first: 5, size: 6, indexes: [5] });
    expect(a.seen.statements).toBe(2);
    // Another writer appends: the first writer's range is behind. Its next append is refused by the
    // function (nothing written) and done the long way at the right size.
    expect(await b.store.append([entry(6)])).toEqual({ first: 6, size: 7, indexes: [6] });
    expect(await a.store.append([entry(7), entry(8)])).toEqual({ first: 7, size: 9, indexes: [7, 8] });
    // An entry the log holds, among fresh ones, with the writer's range current: the function appends
    // nothing, the long way keeps the known index and appends the fresh one once.
    a.seen.statements = 0;
    expect(await a.store.append([entry(9)])).toEqual({ first: 9, size: 10, indexes: [9] });
    expect(a.seen.statements).toBe(1);
    expect(await a.store.append([entry(4), entry(10)])).toEqual({ first: 10, size: 11, indexes: [4, 10] });
    // Two writers racing from their stale ranges: every leaf once, no gap, the nodes right.
    await Promise.all([a.store.append([entry(11), entry(12)]), b.store.append([entry(13)]), a.store.append([entry(14)]), b.store.append([entry(15), entry(16)])]);
    const size = await a.store.size();
    expect(size).toBe(17);
    const ids = (await a.store.leaves(0, size)).map((l) => l.messageId).sort();
    expect(ids).toEqual(Array.from({ length: 17 }, (_, i) => `msg-${i}`).sort());
    expect((await a.store.scrub()).problems).toEqual([]);
  });

  it('refuses, changing nothing, a call at a size the log is not at', async () => {
    const before = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM tlog_leaf')).rows[0].n);
    const h = Buffer.from(hashLeaf(entry(99).data));
    const { rows } = await pool.query<{ appended: boolean; found_size: string }>(
      'SELECT * FROM tlog_append($1, $2::bytea[], $3::text[], $4::text[], $5::text[], $6::bytea[], now(), $7::smallint[], $8::bigint[], $9::bytea[])',
      [before + 5, [h], ['msg-99'], ['envelope'], ['sent'], [entry(99).data], [], [], []],
    );
    expect(rows[0]).toEqual({ appended: false, found_size: String(before) });
    expect(Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM tlog_leaf')).rows[0].n)).toBe(before);
  });
});

describe('through TypeORM: the migration and an EntityManager', () => {
  const url = withDatabase(PG_URL, `shekara_tlog_orm_${randomBytes(4).toString('hex')}`);
  let ds: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url);
    ds = new DataSource({ type: 'postgres', url, poolSize: 2, migrations: [TransparencyLog1765000000000, TransparencyLogAppend1767400000000] });
    await ds.initialize();
    await ds.runMigrations();
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  it('runs the migration, appends and checkpoints through the EntityManager, and the checkpointer signs while the log grows', async () => {
    const clock = new SystemClock();
    const store = new PgLogStore(entityManagerDb(ds.manager), clock);
    await store.append([entry(0), entry(1), entry(2)]);
    const seen: number[] = [];
    const checkpointer = new Checkpointer(store, { origin: ORIGIN, signer, intervalMs: 100, onCheckpoint: (cp) => seen.push(cp.size) });
    checkpointer.start();
    await waitFor(async () => seen.includes(3), 10_000, 'a checkpoint of size 3');
    await store.append([entry(3)]);
    await waitFor(async () => seen.includes(4), 10_000, 'a checkpoint of size 4');
    await checkpointer.stop();
    // Nothing new: the next ticks sign nothing.
    expect(await checkpointer.tick()).toBeUndefined();
    expect(seen).toEqual([3, 4]);
    const cps = await store.checkpoints();
    expect(verifyConsistency(3, 4, cps[0].root, cps[1].root, await store.consistencyProof(3, 4))).toBe(true);
    // An entry the log holds is not appended again (a receipt received twice, a catch-up racing an append): it keeps its index.
    expect(await store.append([entry(1), entry(3), entry(1)])).toEqual({ first: 4, size: 4, indexes: [1, 3, 1] });
    expect(await store.size()).toBe(4);
    // A transaction that fails leaves nothing behind.
    await expect(store.append([entry(4), { ...entry(5), kind: 'other' as never }])).rejects.toThrow();
    expect(await store.size()).toBe(4);
    // Fresh entries among known ones; the same bytes under another id are another entry.
    expect(await store.append([entry(2), entry(4), entry(4), { ...entry(2), messageId: 'another' }])).toEqual({ first: 4, size: 6, indexes: [2, 4, 4, 5] });
    expect((await store.scrub()).problems).toEqual([]);
    expect(() => new Checkpointer(store, { origin: ORIGIN, signer, intervalMs: 11_000 })).toThrow(/interval/);
    await ds.undoLastMigration();
    expect((await ds.query(`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'tlog_append'`))[0].n).toBe(0);
    await ds.undoLastMigration();
    expect((await ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'tlog_%'`))[0].n).toBe(0);
  });
});

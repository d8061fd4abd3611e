/**
 * Baselines on the same machine in the same run: raw JetStream (async windowed publish + durable
 * pull consumer with explicit ack, same message size) and raw PostgreSQL (the rows one accepted
 * report writes at the sender, one transaction per message, in a database with the node's schema),
 * and what a wake-up costs (a PostgreSQL round trip at a slow pace and back to back); the latency of
 * a durable commit at 200/s, and of the disk's flush under it.
 */
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { agencyNodeDataSource, envelopeFromRequest } from '@shekara/agency-node';
import { decodeEnvelope, encodeEnvelope, validateEnvelope } from '@shekara/contracts';
import { SystemClock, uuidv7 } from '@shekara/common';
import { dailyRequest } from './e2e';
import { ensureDatabase } from '@shekara/persistence';
import { NATS_URL, PG_URL, ROOT } from './system';
import type { BenchSystem } from './system';
import { percentiles } from './stats';
import type { Percentiles } from './stats';

export interface JetStreamBaseline {
  messages: number;
  bytes: number;
  window: number;
  seconds: number;
  msgsPerSec: number;
  publishMsgsPerSec: number;
  latencyMs: Percentiles;
}

export async function rawJetStream(sys: BenchSystem, opts: { messages: number; bytes: number; window: number }): Promise<JetStreamBaseline> {
  // Publisher and consumer on connections of their own, as two services would be.
  const nc = await connect({ servers: NATS_URL, noAsyncTraces: true } as never);
  const ncSub = await connect({ servers: NATS_URL, noAsyncTraces: true } as never);
  const stream = `${sys.runId}_RAW`;
  const subject = `${sys.runId}.raw`;
  sys.extraStreams.add(stream);
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject], retention: RetentionPolicy.Limits, storage: StorageType.File, discard: DiscardPolicy.Old, num_replicas: 1, duplicate_window: 120e9 });
    await jsm.consumers.add(stream, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: 30e9, max_ack_pending: 10_000 });
    const js = jetstream(nc);
    const consumer = await jetstream(ncSub).consumers.get(stream, 'raw');
    const lat: number[] = [];
    let consumed = 0;
    let lastAt = 0;
    const done = (async () => {
      const msgs = await consumer.consume({ max_messages: 1000 });
      for await (const m of msgs) {
        const sentAt = m.data.length >= 8 ? new DataView(m.data.buffer, m.data.byteOffset, 8).getFloat64(0) : 0;
        m.ack();
        lastAt = performance.now();
        lat.push(lastAt - sentAt);
        if (++consumed >= opts.messages) {
          // close() waits for the pull to end; not needed to stop counting.
          void Promise.resolve(msgs.close()).catch(() => undefined);
          break;
        }
      }
    })();
    const t0 = performance.now();
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < opts.messages; i++) {
      const data = new Uint8Array(opts.bytes);
      new DataView(data.buffer).setFloat64(0, performance.now());
      const p = js.publish(subject, data, { msgID: randomUUID() }).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= opts.window) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    const published = performance.now();
    await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error(`raw JetStream consumer timed out after ${consumed} of ${opts.messages}`)), 30_000 + opts.messages))]);
    const seconds = (lastAt - t0) / 1000;
    await jsm.streams.delete(stream).catch(() => undefined);
    return {
      messages: opts.messages,
      bytes: opts.bytes,
      window: opts.window,
      seconds,
      msgsPerSec: opts.messages / seconds,
      publishMsgsPerSec: opts.messages / ((published - t0) / 1000),
      latencyMs: percentiles(lat),
    };
  } finally {
    await nc.close();
    await ncSub.close().catch(() => undefined);
  }
}

const migrated = new Set<string>();

/** The raw PostgreSQL baselines' database: the node's schema, migrated once per run. */
async function rawPgDatabase(sys: BenchSystem): Promise<string> {
  const url = sys.dbUrl('rawpg');
  if (!migrated.has(url)) {
    await ensureDatabase(url);
    const ds = agencyNodeDataSource(url);
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    migrated.add(url);
  }
  return url;
}

export interface PostgresBaseline {
  connections: number;
  notify: boolean;
  transactions: number;
  rowsPerTransaction: number;
  seconds: number;
  txPerSec: number;
  latencyMs: Percentiles;
  /** Paced runs: transactions offered per second per connection (absent: back to back). */
  rate?: number;
  /** Transactions that took more than 50 ms. */
  over50ms: number;
}

/**
 * The rows MessagesService.send writes for one report to one recipient unit: the message (with its
 * JSON payload and the signed envelope), one recipient row, two outbox rows (ENVELOPE and AUDIT),
 * one audit_log row, and the NOTIFY; one transaction per message. Back to back, or paced at `rate`
 * transactions per second per connection (the latency of a durable commit at a given load).
 */
export async function rawPostgres(sys: BenchSystem, opts: { seconds: number; connections: number; payload: object; signedBytes: number; auditBytes: number; notify?: boolean; rate?: number }): Promise<PostgresBaseline> {
  const url = await rawPgDatabase(sys);
  const payload = JSON.stringify(opts.payload);
  const signed = Buffer.alloc(opts.signedBytes, 7);
  const audit = Buffer.alloc(opts.auditBytes, 9);
  const lat: number[] = [];
  let count = 0;
  const deadline = performance.now() + opts.seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: opts.connections }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        for (let i = 0; performance.now() < deadline; i++) {
          // Paced: latency from the instant the transaction was due (open loop, as the API's offered
          // load is measured), so one that waits behind a slow commit counts its wait.
          const due = opts.rate ? t0 + (i * 1000) / opts.rate : performance.now();
          if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
          const s = opts.rate ? due : performance.now();
          const id = randomUUID();
          const now = new Date();
          await c.query('BEGIN');
          await c.query(
            `INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, reported_at, period, summary, payload, signed, created_by)
             VALUES ($1, 'OUT', 'DAILY', 'border.l4.CP-CN-A-01', $2, $6, 'UNCLASSIFIED', $3, $3, '2026-03-02', 'The situation at the border is stable.', $4, $5, 'border.duty')`,
            [id, ['interior.l4.CP-CN-A-01'], now, payload, signed, id],
          );
          await c.query(`INSERT INTO message_recipients (message_id, unit_id, agency, status) VALUES ($1, 'interior.l4.CP-CN-A-01', 'interior', 'PENDING')`, [id]);
          await c.query(
            `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
             VALUES ($1, 'ENVELOPE', 'interior', 'x.inbox.interior', $6, $2, $4, $4), ($1, 'AUDIT', 'border', 'x.audit.border', $5, $3, $4, $4)`,
            [id, signed, audit, now, randomUUID(), id],
          );
          await c.query(`INSERT INTO audit_log (at, actor, action, message_id, unit_id, details) VALUES ($1, 'border.duty', 'sent', $2, 'border.l4.CP-CN-A-01', '{}')`, [now, id]);
          if (opts.notify !== false) await c.query(`SELECT pg_notify('bench_raw', '')`);
          await c.query('COMMIT');
          lat.push(performance.now() - s);
          count++;
        }
      } finally {
        await c.end();
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    connections: opts.connections,
    notify: opts.notify !== false,
    transactions: count,
    rowsPerTransaction: 5,
    seconds,
    txPerSec: count / seconds,
    latencyMs: percentiles(lat),
    ...(opts.rate ? { rate: opts.rate } : {}),
    over50ms: lat.filter((x) => x > 50).length,
  };
}

export interface PostgresBulkBaseline {
  /** Reports written per transaction. */
  batch: number;
  reports: number;
  seconds: number;
  reportsPerSec: number;
  /** Rows of one report (as rawPostgres writes them). */
  rowsPerReport: number;
}

/**
 * The same five rows per report as rawPostgres, written the way a group commit writes them: `batch`
 * reports per transaction, each table's rows in one multi-row INSERT (unnest of arrays), one NOTIFY
 * per transaction, back to back on one connection. What the rows of a report cost the database
 * (and its client) when every per-transaction cost is shared: the floor of what any design that
 * keeps these rows pays per report. The caller measures the processes' CPU around it.
 */
export async function rawPostgresBulk(sys: BenchSystem, opts: { seconds: number; batch: number; payload: object; signedBytes: number; auditBytes: number }): Promise<PostgresBulkBaseline> {
  const url = await rawPgDatabase(sys);
  const payload = JSON.stringify(opts.payload);
  const signed = Buffer.alloc(opts.signedBytes, 7);
  const audit = Buffer.alloc(opts.auditBytes, 9);
  const c = new Client({ connectionString: url });
  await c.connect();
  let reports = 0;
  const t0 = performance.now();
  try {
    while (performance.now() - t0 < opts.seconds * 1000) {
      const ids = Array.from({ length: opts.batch }, () => randomUUID());
      const auditIds = Array.from({ length: opts.batch }, () => randomUUID());
      const now = new Date();
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, reported_at, period, summary, payload, signed, created_by)
         SELECT id, 'OUT', 'DAILY', 'border.l4.CP-CN-A-01', '{interior.l4.CP-CN-A-01}', id, 'UNCLASSIFIED', $2, $2, '2026-03-02', 'The situation at the border is stable.', $3, $4, 'border.duty'
           FROM unnest($1::uuid[]) AS id`,
        [ids, now, payload, signed],
      );
      await c.query(`INSERT INTO message_recipients (message_id, unit_id, agency, status) SELECT id, 'interior.l4.CP-CN-A-01', 'interior', 'PENDING' FROM unnest($1::uuid[]) AS id`, [ids]);
      await c.query(
        `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
         SELECT x.id, 'ENVELOPE', 'interior', 'x.inbox.interior', x.id::text, $3::bytea, $2::timestamptz, $2::timestamptz FROM unnest($1::uuid[]) AS x(id)
         UNION ALL SELECT x.id, 'AUDIT', 'border', 'x.audit.border', x.a::text, $4::bytea, $2::timestamptz, $2::timestamptz FROM unnest($1::uuid[], $5::uuid[]) AS x(id, a)`,
        [ids, now, signed, audit, auditIds],
      );
      await c.query(`INSERT INTO audit_log (at, actor, action, message_id, unit_id, details) SELECT $2, 'border.duty', 'sent', id, 'border.l4.CP-CN-A-01', '{}' FROM unnest($1::uuid[]) AS id`, [ids, now]);
      await c.query(`SELECT pg_notify('bench_raw', '')`);
      await c.query('COMMIT');
      reports += opts.batch;
    }
  } finally {
    await c.end();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { batch: opts.batch, reports, seconds, reportsPerSec: reports / seconds, rowsPerReport: 5 };
}

export interface ValidationCost {
  iterations: number;
  /** CPU time per report (µs): decode the envelope's bytes and validate it as the recipient does. */
  cpuUsPerReport: number;
}

/**
 * What checking a report costs the recipient before any database or bus work: decoding the
 * envelope's bytes and validating it (`validateEnvelope`: its structure, then the payload by the
 * same class-validator DTOs as the HTTP API), for the benchmark's daily report, back to back in this
 * process for `seconds`.
 */
export function validationCost(seconds: number): ValidationCost {
  const clock = new SystemClock();
  const bytes = encodeEnvelope(envelopeFromRequest(dailyRequest(), uuidv7(clock), clock.now()));
  let iterations = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 100; i++) {
      const errors = validateEnvelope(decodeEnvelope(bytes));
      if (errors.length) throw new Error(`bench envelope invalid: ${JSON.stringify(errors)}`);
    }
    iterations += 100;
  }
  const cpu = process.cpuUsage(cpu0);
  return { iterations, cpuUsPerReport: Math.round((cpu.user + cpu.system) / iterations) };
}

export interface WakeUpCost {
  /** Queries per second offered (0: back to back). */
  rate: number;
  queries: number;
  /** CPU time of the client process per query (user + system, from getrusage), µs. */
  cpuUsPerQuery: number;
  latencyMs: Percentiles;
}

/**
 * What a wake-up costs on this machine: one PostgreSQL round trip (`SELECT $1`) on one connection,
 * at a slow pace (the process sleeps between queries) and back to back, in a process of its own so
 * its CPU time is its alone. The CPU time a process is charged per round trip when it sleeps in
 * between is what every message pays per hop at low rates (a report takes about ten hops across
 * the processes); back to back, the same round trip shows the cost of the work itself.
 */
export function wakeUpCost(sys: BenchSystem, rates: number[], seconds: number): WakeUpCost[] {
  const script = `
    const { Client } = require('pg');
    (async () => {
      const c = new Client({ connectionString: process.argv[1] });
      await c.connect();
      const out = [];
      for (const rate of JSON.parse(process.argv[2])) {
        const n = rate ? Math.round(rate * ${seconds}) : 0;
        const lat = [];
        const u0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; rate ? i < n : performance.now() - t0 < ${seconds * 1000}; i++) {
          const s = performance.now();
          await c.query('SELECT $1::int AS x', [i]);
          lat.push(performance.now() - s);
          if (rate) {
            const wait = t0 + ((i + 1) * 1000) / rate - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
        }
        const u = process.cpuUsage(u0);
        out.push({ rate, lat, cpuUs: u.user + u.system });
      }
      await c.end();
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script, sys.dbUrl('rawpg'), JSON.stringify(rates)], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`wake-up cost: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { rate: number; lat: number[]; cpuUs: number }[]).map((x) => ({
    rate: x.rate,
    queries: x.lat.length,
    cpuUsPerQuery: Math.round(x.cpuUs / x.lat.length),
    latencyMs: percentiles(x.lat),
  }));
}

export interface DiskFlush {
  rate: number;
  writes: number;
  latencyMs: Percentiles;
  over50ms: number;
  /** The directory written in, and whether it is on the device of PostgreSQL's data directory. */
  dir: string;
  samePgDevice: boolean | null;
}

/**
 * The disk under PostgreSQL's write-ahead log, without PostgreSQL: an 8 KiB write and fdatasync at
 * `rate` per second for `seconds`, in a process of its own, in `dir` (a temporary directory; its
 * device is compared with PostgreSQL's data directory's). Every durable commit waits for such a
 * flush, so its tail is the floor under the tail of any path that commits.
 */
export async function diskFlush(sys: BenchSystem, dir: string, rate: number, seconds: number): Promise<DiskFlush> {
  const script = `
    const fs = require('node:fs');
    const file = require('node:path').join(process.argv[1], 'flush-probe');
    const fd = fs.openSync(file, 'w');
    const buf = Buffer.alloc(8192, 7);
    const lat = [];
    const t0 = performance.now();
    const n = ${Math.round(rate * seconds)};
    (async () => {
      for (let i = 0; i < n; i++) {
        // Latency from the instant the flush was due (open loop): one waiting behind a stall counts it.
        const due = t0 + (i * 1000) / ${rate};
        if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
        const s = due;
        fs.writeSync(fd, buf, 0, buf.length, (i % 2048) * 8192);
        fs.fdatasyncSync(fd);
        lat.push(performance.now() - s);
      }
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      process.stdout.write(JSON.stringify(lat));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script, dir], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`disk flush: ${r.stderr}`);
  const lat = JSON.parse(r.stdout) as number[];
  let samePgDevice: boolean | null = null;
  try {
    const [{ data_directory: pgData }] = await sys.sql<{ data_directory: string }>(PG_URL, 'SHOW data_directory');
    samePgDevice = statSync(pgData).dev === statSync(dir).dev;
  } catch {
    // Not a superuser, or the data directory is not readable here (another machine): unknown.
  }
  return { rate, writes: lat.length, latencyMs: percentiles(lat), over50ms: lat.filter((x) => x > 50).length, dir, samePgDevice };
}

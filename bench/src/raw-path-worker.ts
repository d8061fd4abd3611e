/**
 * One side of the raw path (bench/src/raw-path.ts), as a process of its own like a node: the same
 * chain of I/O a report makes, with no Shekara code. Run by the benchmark, never by hand:
 *   node raw-path-worker.js '<RawPathWorkerConfig as JSON>'
 * sender:    commit the sender's rows -> JetStream publish, await the ack;
 *            consume receipts (durable pull) -> commit recording each -> ack.
 * recipient: consume reports (durable pull) -> commit the recipient's rows -> publish the receipt,
 *            await its ack -> ack the report.
 * Paced: one report per transaction, open loop at `rate`. Saturation: group commits of up to `batch`
 * reports per transaction and their publishes in flight together, for `seconds`.
 * Prints one JSON line (RawPathWorkerResult) when done. Times are wall-clock milliseconds with
 * sub-millisecond resolution (performance.timeOrigin + performance.now()), comparable across the
 * two processes on one machine.
 */
import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { Pool } from 'pg';
import type { PoolClient } from 'pg';

export interface RawPathWorkerConfig {
  role: 'sender' | 'recipient';
  mode: 'paced' | 'saturation';
  natsUrl: string;
  dbUrl: string;
  /** Subjects and streams: reports go to `inSubject` (stream `inStream`), receipts to `receiptSubject` (stream `receiptStream`). */
  inSubject: string;
  inStream: string;
  receiptSubject: string;
  receiptStream: string;
  /** Bytes of a report on the bus (a signed envelope's size) and of an audit row's payload. */
  bytes: number;
  auditBytes: number;
  /** Paced: reports per second and how many. */
  rate: number;
  count: number;
  /** Saturation: how long to offer, reports per group commit, group commits in flight. */
  seconds: number;
  batch: number;
  pipelines: number;
  /** Give up waiting for the last receipts (or reports) after this long. */
  drainMs: number;
}

/** Per report, the instants each hop finished (ms, wall clock). */
export interface SenderTimes {
  due: number;
  committed: number;
  acked: number;
  receiptRecorded?: number;
}
export interface RecipientTimes {
  received: number;
  committed: number;
  receiptAcked: number;
}
export interface RawPathWorkerResult {
  role: 'sender' | 'recipient';
  /** Paced: every report's times by id (saturation: none, only the counts). */
  times: Record<string, SenderTimes | RecipientTimes>;
  /** Reports completed (sender: receipt recorded; recipient: receipt published) and when the first and last were. */
  completed: number;
  firstAt: number;
  lastAt: number;
  /** The process's own CPU time (user + system, µs). */
  cpuUs: number;
}

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SENDER = 'border.l4.CP-CN-A-01';
const RECIPIENT = 'interior.l4.CP-CN-A-01';
const PAYLOAD = JSON.stringify({ daily: { situation: 'The situation at the border is stable.' } });

/** The sender's five rows of each report (as bench/src/baselines.ts rawPostgres writes them) and the NOTIFY, in one transaction. */
async function commitSent(c: PoolClient, ids: string[], signed: Buffer, audit: Buffer): Promise<void> {
  const at = new Date();
  await c.query('BEGIN');
  await c.query(
    `INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, reported_at, period, summary, payload, signed, created_by)
     SELECT id, 'OUT', 'DAILY', '${SENDER}', '{${RECIPIENT}}', id, 'UNCLASSIFIED', $2, $2, '2026-03-02', 'The situation at the border is stable.', $3, $4, 'border.duty'
       FROM unnest($1::uuid[]) AS id`,
    [ids, at, PAYLOAD, signed],
  );
  await c.query(`INSERT INTO message_recipients (message_id, unit_id, agency, status) SELECT id, '${RECIPIENT}', 'interior', 'PENDING' FROM unnest($1::uuid[]) AS id`, [ids]);
  await c.query(
    `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
     SELECT x.id, 'ENVELOPE', 'interior', 'raw.inbox', x.id::text, $3::bytea, $2::timestamptz, $2::timestamptz FROM unnest($1::uuid[]) AS x(id)
     UNION ALL SELECT x.id, 'AUDIT', 'border', 'raw.audit', gen_random_uuid()::text, $4::bytea, $2::timestamptz, $2::timestamptz FROM unnest($1::uuid[]) AS x(id)`,
    [ids, at, signed, audit],
  );
  await c.query(`INSERT INTO audit_log (at, actor, action, message_id, unit_id, details) SELECT $2, 'border.duty', 'sent', id, '${SENDER}', '{}' FROM unnest($1::uuid[]) AS id`, [ids, at]);
  await c.query(`SELECT pg_notify('raw_path', '')`);
  await c.query('COMMIT');
}

/** The recipient's rows of each report: the message as received, its audit entry, the receipt's outbox row; one transaction. */
async function commitReceived(c: PoolClient, ids: string[], signed: Buffer[], audit: Buffer): Promise<void> {
  const at = new Date();
  await c.query('BEGIN');
  await c.query(
    `INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, reported_at, period, summary, payload, signed, created_by)
     SELECT x.id, 'IN', 'DAILY', '${SENDER}', '{${RECIPIENT}}', x.id, 'UNCLASSIFIED', $2, $2, '2026-03-02', 'The situation at the border is stable.', $3, x.s, 'border.duty'
       FROM unnest($1::uuid[], $4::bytea[]) AS x(id, s)`,
    [ids, at, PAYLOAD, signed],
  );
  await c.query(`INSERT INTO audit_log (at, actor, action, message_id, unit_id, details) SELECT $2, 'interior', 'received', id, '${RECIPIENT}', '{}' FROM unnest($1::uuid[]) AS id`, [ids, at]);
  await c.query(
    `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
     SELECT id, 'RECEIPT', 'border', 'raw.receipt', gen_random_uuid()::text, $3::bytea, $2::timestamptz, $2::timestamptz FROM unnest($1::uuid[]) AS id`,
    [ids, at, audit],
  );
  await c.query('COMMIT');
}

/** The sender records the receipts: the recipient row DELIVERED and an audit entry per report; one transaction. */
async function commitReceipts(c: PoolClient, ids: string[]): Promise<void> {
  const at = new Date();
  await c.query('BEGIN');
  await c.query(`UPDATE message_recipients SET status = 'DELIVERED', delivered_at = $2 WHERE message_id = ANY($1::uuid[]) AND unit_id = '${RECIPIENT}'`, [ids, at]);
  await c.query(`INSERT INTO audit_log (at, actor, action, message_id, unit_id, details) SELECT $2, 'interior', 'delivered', id, '${RECIPIENT}', '{}' FROM unnest($1::uuid[]) AS id`, [ids, at]);
  await c.query('COMMIT');
}

async function withClient<T>(pool: Pool, f: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    return await f(c);
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/**
 * Takes consumed messages as they come and hands them on in groups of at most `max`, with at most
 * `concurrency` groups in hand at once; a message waits only while every slot is busy (a group
 * commit with no added wait).
 */
async function consumeInGroups(iter: AsyncIterable<JsMsg>, max: number, concurrency: number, handle: (group: JsMsg[]) => Promise<void>, stopped: () => boolean): Promise<void> {
  const pending: JsMsg[] = [];
  const busy = new Set<Promise<void>>();
  const flush = () => {
    while (busy.size < concurrency && pending.length) {
      const p: Promise<void> = handle(pending.splice(0, max)).finally(() => {
        busy.delete(p);
        flush();
      });
      busy.add(p);
    }
  };
  for await (const m of iter) {
    pending.push(m);
    flush();
    if (stopped()) break;
  }
  while (busy.size || pending.length) {
    flush();
    await Promise.race(busy);
  }
}

async function main(cfg: RawPathWorkerConfig): Promise<RawPathWorkerResult> {
  const cpu0 = process.cpuUsage();
  const nc = await connect({ servers: cfg.natsUrl, noAsyncTraces: true } as never);
  const js = jetstream(nc);
  const pool = new Pool({ connectionString: cfg.dbUrl, max: cfg.mode === 'paced' ? 8 : cfg.pipelines + 2 });
  const signed = Buffer.alloc(cfg.bytes, 7);
  const audit = Buffer.alloc(cfg.auditBytes, 9);
  const times: Record<string, SenderTimes | RecipientTimes> = {};
  let completed = 0;
  let firstAt = 0;
  let lastAt = 0;
  const done = (n: number, at: number) => {
    completed += n;
    firstAt ||= at;
    lastAt = at;
  };
  try {
    if (cfg.role === 'recipient') {
      const consumer = await js.consumers.get(cfg.inStream, 'raw-path');
      const msgs = await consumer.consume({ max_messages: Math.max(1000, cfg.batch * 4) });
      // Stops when every expected report is done, or when none came for drainMs.
      const startedAt = now();
      const idle = setInterval(() => (now() - (lastAt || startedAt) > cfg.drainMs ? void msgs.close() : undefined), 200);
      const expected = cfg.mode === 'paced' ? cfg.count : Infinity;
      await consumeInGroups(
        msgs,
        cfg.mode === 'paced' ? 1 : cfg.batch,
        cfg.mode === 'paced' ? 8 : 2,
        async (group) => {
          const received = now();
          const ids = group.map((m) => m.headers!.get('id'));
          await withClient(pool, (c) => commitReceived(c, ids, group.map((m) => Buffer.from(m.data)), audit));
          const committed = now();
          await Promise.all(
            ids.map((id) => {
              const h = headers();
              h.set('id', id);
              return js.publish(cfg.receiptSubject, audit, { msgID: `r-${id}`, headers: h });
            }),
          );
          const receiptAcked = now();
          for (const m of group) m.ack();
          if (cfg.mode === 'paced') for (const id of ids) times[id] = { received, committed, receiptAcked };
          done(ids.length, receiptAcked);
          if (completed >= expected) void msgs.close();
        },
        () => completed >= expected,
      );
      clearInterval(idle);
    } else {
      const consumer = await js.consumers.get(cfg.receiptStream, 'raw-path');
      const msgs = await consumer.consume({ max_messages: Math.max(1000, cfg.batch * 4) });
      let sent = 0;
      let sending = true;
      const receipts = consumeInGroups(
        msgs,
        cfg.mode === 'paced' ? 1 : cfg.batch,
        cfg.mode === 'paced' ? 8 : 2,
        async (group) => {
          const ids = group.map((m) => m.headers!.get('id'));
          await withClient(pool, (c) => commitReceipts(c, ids));
          const at = now();
          for (const m of group) m.ack();
          if (cfg.mode === 'paced') for (const id of ids) (times[id] as SenderTimes).receiptRecorded = at;
          done(ids.length, at);
          if (!sending && completed >= sent) void msgs.close();
        },
        () => !sending && completed >= sent,
      );
      const publish = (ids: string[]) =>
        Promise.all(
          ids.map((id) => {
            const h = headers();
            h.set('id', id);
            return js.publish(cfg.inSubject, signed, { msgID: id, headers: h });
          }),
        );
      const t0 = now();
      if (cfg.mode === 'paced') {
        const inflight: Promise<void>[] = [];
        for (let i = 0; i < cfg.count; i++) {
          const due = t0 + (i * 1000) / cfg.rate;
          const wait = due - now();
          if (wait > 0) await sleep(wait);
          const id = randomUUID();
          const t: SenderTimes = { due, committed: 0, acked: 0 };
          times[id] = t;
          inflight.push(
            (async () => {
              await withClient(pool, (c) => commitSent(c, [id], signed, audit));
              t.committed = now();
              await publish([id]);
              t.acked = now();
            })(),
          );
          sent++;
        }
        await Promise.all(inflight);
      } else {
        const until = t0 + cfg.seconds * 1000;
        await Promise.all(
          Array.from({ length: cfg.pipelines }, async () => {
            while (now() < until) {
              const ids = Array.from({ length: cfg.batch }, () => randomUUID());
              await withClient(pool, (c) => commitSent(c, ids, signed, audit));
              await publish(ids);
              sent += ids.length;
            }
          }),
        );
      }
      sending = false;
      const giveUp = setTimeout(() => void msgs.close(), cfg.drainMs);
      if (completed >= sent) void msgs.close();
      await receipts;
      clearTimeout(giveUp);
    }
  } finally {
    await nc.drain().catch(() => undefined);
    await pool.end();
  }
  const cpu = process.cpuUsage(cpu0);
  return { role: cfg.role, times, completed, firstAt, lastAt, cpuUs: cpu.user + cpu.system };
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]!) as RawPathWorkerConfig)
    // Exit only once the (large) line is flushed to the pipe.
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n', () => process.exit(0)))
    .catch((e) => {
      process.stderr.write(`raw-path worker: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    });
}

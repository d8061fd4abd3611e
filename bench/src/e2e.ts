/**
 * Shekara end to end: reports accepted by the sender node's HTTP API (or injected at its outbox)
 * → stored, signed, relayed, consumed, verified, stored once by the recipient node → receipt
 * recorded back at the sender.
 *
 * Latency of a message = the sender's audit_log 'delivered' entry (written in the transaction that
 * records the receipt at the sender) − messages.created_at (the instant the sender accepted it),
 * both from the sender node's clock, read from its database after the run.
 */
import http from 'node:http';
import { create, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { SystemClock, uuidv7 } from '@shekara/common';
import { AuditAction as WireAction, AuditEventSchema, MessageKind, encodeEnvelope, encodeSigned, validateSendMessageRequest } from '@shekara/contracts';
import type { SendMessageRequest } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory } from '@shekara/directory';
import { UnitSigner, signBatch } from '@shekara/security';
// The node's own envelope code (not exported from the lib root): the injected rows carry exactly
// the envelope MessagesService.send would have built.
import { envelopeFromRequest, messageColumns } from '@shekara/agency-node';
import { Client } from 'pg';
import { join } from 'node:path';
import type { BenchSystem, Proc } from './system';
import { sleep } from './system';
import { percentiles } from './stats';
import type { Percentiles } from './stats';

export const SENDER = 'border.l4.CP-CN-A-01';
export const RECIPIENT = 'interior.l4.CP-CN-A-01';

/** A realistic daily report (test/fixtures/contracts/ok/daily.json), to the interior counterpart, ~1 KB. */
export function dailyReport(): Record<string, unknown> {
  return {
    senderUnit: SENDER,
    recipientUnits: [RECIPIENT],
    classification: 'CLASSIFICATION_UNCLASSIFIED',
    daily: {
      // Today (UTC date: within the node's plausible periods in any zone of Kazakhstan).
      period: new Date().toISOString().slice(0, 10),
      changes: [
        {
          checkpointId: 'CP-CN-A-01',
          situation: 'Queue of 140 trucks due to a scanner failure on the Chinese side; restored at 16:20. Two illegal migrants detained in the truck lane, handed to the migration police.',
          counts: { personsCrossed: 2350, vehiclesCrossed: 612, personsRefused: 4, personsDetained: 2 },
        },
        { checkpointId: 'CP-CN-R-01', situation: 'No changes; 3 trains processed. Container inspection of train 1208 completed without findings.' },
      ],
      summary: 'The situation at the border is stable. Two illegal migrants detained at Nur Zholy (urgent report of 02.03); the truck queue was cleared by 18:00 local time.',
    },
  };
}

export class ApiClient {
  private readonly agent: http.Agent;
  private readonly body: Buffer;
  private token = '';
  /** Per send since the last `takeWaits()`: ms until it had a socket, and until a new socket was connected. */
  private waits = { socket: [] as number[], connect: [] as number[] };
  constructor(private readonly node: Proc, maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
    this.body = Buffer.from(JSON.stringify(dailyReport()));
  }

  get bodyBytes(): number {
    return this.body.length;
  }

  async login(username: string, password: string): Promise<void> {
    const r = await this.request('POST', '/api/auth/login', Buffer.from(JSON.stringify({ username, password })));
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    this.token = JSON.parse(r.text).accessToken;
  }

  request(method: string, path: string, body?: Buffer, opened?: { value: SocketHow }): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.node.port, method, path, agent: this.agent, headers: { 'content-type': 'application/json', ...(body ? { 'content-length': body.length } : {}), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      // A socket taken at once from the free ones is `reusedSocket`; one still connecting was opened for
      // this request; any other waited in the agent's queue for a socket another request freed.
      const asked = performance.now();
      if (opened)
        req.once('socket', (socket) => {
          opened.value = req.reusedSocket ? 'kept' : socket.connecting ? 'new' : 'queued';
          // How long it waited for its socket, and a new one for its connection.
          this.waits.socket.push(performance.now() - asked);
          if (socket.connecting) socket.once('connect', () => this.waits.connect.push(performance.now() - asked));
        });
      req.setTimeout(30_000, () => req.destroy(new Error('HTTP timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Sends one report; resolves with its id (or undefined on an error), the response time and how it got
   * its connection (a kept-alive one free at once, one opened for it, or one freed while it queued).
   */
  async send(): Promise<{ id?: string; ms: number; status: number; socket: SocketHow }> {
    const s = performance.now();
    const opened: { value: SocketHow } = { value: 'queued' };
    try {
      const r = await this.request('POST', '/api/messages', this.body, opened);
      const ms = performance.now() - s;
      if (r.status !== 201 && r.status !== 200) return { ms, status: r.status, socket: opened.value };
      // The id is the first field of the view: avoid parsing the whole body in the client.
      const m = /"id":"([0-9a-f-]{36})"/.exec(r.text);
      return { id: m?.[1], ms, status: r.status, socket: opened.value };
    } catch {
      return { ms: performance.now() - s, status: 0, socket: opened.value };
    }
  }

  /**
   * Opens the pool's `n` keep-alive connections before a phase (n requests at once to the node's
   * liveness route), so that no send of the phase waits for a connection to be made and accepted.
   * Resolves with the connections then kept open.
   */
  async openConnections(n: number): Promise<number> {
    await Promise.all(Array.from({ length: n }, () => this.request('GET', '/health/live')));
    // The agent returns a socket to its free list after the response's end, in a later tick.
    await new Promise((r) => setImmediate(r));
    return Object.values(this.agent.freeSockets).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  }

  /** The sends' waits for a socket and for new connections since the last call (p99, max). */
  takeWaits(): { socketMs: Percentiles; connectMs: Percentiles } {
    const w = this.waits;
    this.waits = { socket: [], connect: [] };
    return { socketMs: percentiles(w.socket), connectMs: percentiles(w.connect) };
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadResult {
  mode: string;
  offeredPerSec?: number;
  concurrency?: number;
  seconds: number;
  accepted: number;
  errors: number;
  /** Open loop: sends not issued because maxInFlight requests were already pending (client behind). */
  shed: number;
  acceptedPerSec: number;
  httpMs: Percentiles;
  /**
   * Sends on a connection opened for them, sends that queued in the client for a connection (all were
   * busy), and the sends over 1 s: all, of them on a new connection, of them queued.
   */
  connections: { newConnections: number; queued: number; overOneSecond: number; overOneSecondOnNew: number; overOneSecondQueued: number; newConnectionMs: Percentiles };
  ids: string[];
  startedAt: number;
  endedAt: number;
}

/** Where the slow sends were: on connections opened for them, or on kept-alive ones. */
export type SocketHow = 'kept' | 'new' | 'queued';

class ConnectionStats {
  private readonly newMs: number[] = [];
  private queued = 0;
  private over = 0;
  private overOnNew = 0;
  private overQueued = 0;
  add(r: { ms: number; socket: SocketHow }): void {
    if (r.socket === 'new') this.newMs.push(r.ms);
    if (r.socket === 'queued') this.queued++;
    if (r.ms > 1000) {
      this.over++;
      if (r.socket === 'new') this.overOnNew++;
      if (r.socket === 'queued') this.overQueued++;
    }
  }
  result(): LoadResult['connections'] {
    return { newConnections: this.newMs.length, queued: this.queued, overOneSecond: this.over, overOneSecondOnNew: this.overOnNew, overOneSecondQueued: this.overQueued, newConnectionMs: percentiles(this.newMs) };
  }
}

/** Open loop: a send every 1/rate s for `seconds`, whatever the responses do (at most maxInFlight pending). */
export async function openLoop(client: ApiClient, rate: number, seconds: number, maxInFlight = 1000): Promise<LoadResult> {
  const ids: string[] = [];
  const http: number[] = [];
  let errors = 0;
  let shed = 0;
  let inFlight = 0;
  const conns = new ConnectionStats();
  const pending = new Set<Promise<void>>();
  const startedAt = Date.now();
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; i < due; i++) {
      if (inFlight >= maxInFlight) {
        shed++;
        continue;
      }
      inFlight++;
      const p: Promise<void> = client.send().then((r) => {
        inFlight--;
        pending.delete(p);
        http.push(r.ms);
        conns.add(r);
        if (r.id) ids.push(r.id);
        else errors++;
      });
      pending.add(p);
    }
    const next = t0 + (i / rate) * 1000;
    await sleep(Math.max(0, next - performance.now()));
  }
  const sentFor = (performance.now() - t0) / 1000;
  await Promise.all(pending);
  return { mode: `open loop ${rate}/s`, offeredPerSec: rate, seconds: sentFor, accepted: ids.length, errors, shed, acceptedPerSec: ids.length / ((performance.now() - t0) / 1000), httpMs: percentiles(http), connections: conns.result(), ids, startedAt, endedAt: Date.now() };
}

/** Closed loop: `concurrency` senders, each sending again as soon as its previous report was accepted. */
export async function closedLoop(client: ApiClient, concurrency: number, seconds: number): Promise<LoadResult> {
  const ids: string[] = [];
  const http: number[] = [];
  let errors = 0;
  const startedAt = Date.now();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const conns = new ConnectionStats();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const r = await client.send();
        http.push(r.ms);
        conns.add(r);
        if (r.id) ids.push(r.id);
        else errors++;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return { mode: `closed loop, ${concurrency} in flight`, concurrency, seconds: s, accepted: ids.length, errors, shed: 0, acceptedPerSec: ids.length / s, httpMs: percentiles(http), connections: conns.result(), ids, startedAt, endedAt: Date.now() };
}

export interface Delivery {
  id: string;
  createdMs: number;
  receiptMs: number;
}

/** Waits until every id has its receipt recorded at the sender (or the timeout), then reads the times. */
export async function awaitReceipts(sys: BenchSystem, senderDb: string, ids: string[], timeoutMs: number): Promise<{ deliveries: Delivery[]; missing: number; waitedMs: number }> {
  const c = new Client({ connectionString: senderDb });
  await c.connect();
  const t0 = Date.now();
  try {
    for (;;) {
      const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM message_recipients WHERE message_id = ANY($1::uuid[]) AND status IN ('DELIVERED', 'READ')`, [ids])).rows;
      if (n >= ids.length || Date.now() - t0 > timeoutMs) break;
      await sleep(250);
    }
    const rows = (
      await c.query(
        `SELECT m.id::text AS id, extract(epoch FROM m.created_at) * 1000 AS c, extract(epoch FROM min(a.at)) * 1000 AS d
           FROM messages m JOIN audit_log a ON a.message_id = m.id::text AND a.action = 'delivered'
          WHERE m.id = ANY($1::uuid[]) GROUP BY m.id, m.created_at`,
        [ids],
      )
    ).rows as { id: string; c: string; d: string }[];
    const deliveries = rows.map((r) => ({ id: r.id, createdMs: Number(r.c), receiptMs: Number(r.d) }));
    return { deliveries, missing: ids.length - deliveries.length, waitedMs: Date.now() - t0 };
  } finally {
    await c.end();
  }
}

/**
 * Where the time goes, per message (ms, from the two nodes' clocks — the same machine): accepted →
 * envelope published by the sender (its status's sending time) → stored by the recipient → its
 * receipt published by the recipient (its outbox row done) → recorded at the sender.
 */
export async function stageLatencies(sys: BenchSystem, senderDb: string, recipientDb: string, ids: string[]): Promise<Record<string, Percentiles>> {
  const ms = (col: string) => `extract(epoch FROM ${col}) * 1000`;
  const sent = await sys.sql(
    senderDb,
    // Published: the recipient status's sending time (when JetStream first acknowledged the envelope;
    // kept also when the receipt came back before the dispatch's outcome was recorded).
    `SELECT m.id::text AS id, ${ms('m.created_at')} AS accepted, ${ms('min(r.sent_at)')} AS published, ${ms('(SELECT min(a.at) FROM audit_log a WHERE a.message_id = m.id::text AND a.action = \'delivered\')')} AS recorded
       FROM messages m JOIN message_recipients r ON r.message_id = m.id WHERE m.id = ANY($1::uuid[]) GROUP BY m.id, m.created_at HAVING min(r.sent_at) IS NOT NULL`,
    [ids],
  );
  const got = await sys.sql(
    recipientDb,
    `SELECT m.id::text AS id, ${ms('m.received_at')} AS stored, ${ms('min(o.done_at)')} AS answered
       FROM messages m JOIN outbox o ON o.message_id = m.id AND o.kind = 'RECEIPT' WHERE m.id = ANY($1::uuid[]) GROUP BY m.id, m.received_at`,
    [ids],
  );
  const at = new Map(got.map((r: any) => [r.id, r]));
  const stages: Record<string, number[]> = { 'accepted → published': [], 'published → stored by the recipient': [], 'stored → receipt published': [], 'receipt published → recorded': [] };
  for (const s of sent) {
    const r: any = at.get(s.id);
    if (!r || s.recorded === null || r.answered === null) continue;
    const [a, p, st, an, rec] = [s.accepted, s.published, r.stored, r.answered, s.recorded].map(Number);
    stages['accepted → published'].push(p - a);
    stages['published → stored by the recipient'].push(st - p);
    stages['stored → receipt published'].push(an - st);
    stages['receipt published → recorded'].push(rec - an);
  }
  return Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, percentiles(v)]));
}

/**
 * Issue #17's evidence latencies, at the sender: for each report, from its acceptance (created_at) to
 * the first checkpoint of the sender's transparency log covering its envelope's leaf, and to the
 * moment the second of the other agencies' witnesses had cosigned a checkpoint covering it (from the
 * cosignatures' received_at; a report never covered twice in the run counts as missing).
 */
export async function evidenceLatencies(sys: BenchSystem, senderDb: string, ids: string[]): Promise<{ toCheckpointMs: Percentiles; toTwoCosignaturesMs: Percentiles; notCovered: number; notCosignedTwice: number }> {
  const rows: { cp: number | null; cos2: number | null }[] = await sys.sql(
    senderDb,
    `SELECT extract(epoch FROM (SELECT min(c.signed_at) FROM tlog_checkpoint c WHERE c.size > l.idx) - m.created_at) * 1000 AS cp,
            extract(epoch FROM (SELECT max(w.t) FROM (SELECT min(s.received_at) AS t FROM tlog_cosignature s WHERE s.checkpoint_size > l.idx
                                                        GROUP BY s.witness ORDER BY t LIMIT 2) w HAVING count(*) = 2) - m.created_at) * 1000 AS cos2
       FROM messages m JOIN tlog_leaf l ON l.message_id = m.id::text AND l.kind = 'envelope' AND l.direction = 'sent'
      WHERE m.id = ANY($1::uuid[])`,
    [ids],
  );
  const cp = rows.filter((r) => r.cp !== null).map((r) => Math.max(0, Number(r.cp)));
  const cos2 = rows.filter((r) => r.cos2 !== null).map((r) => Math.max(0, Number(r.cos2)));
  return { toCheckpointMs: percentiles(cp), toTwoCosignaturesMs: percentiles(cos2), notCovered: ids.length - cp.length, notCosignedTwice: ids.length - cos2.length };
}

export interface E2eStats {
  latencyMs: Percentiles;
  /** Receipts recorded per second within [start + warm-up, end of sending]. */
  sustainedPerSec: number;
  /** All messages / (last receipt − first accepted). */
  overallPerSec: number;
  missing: number;
}

export function e2eStats(deliveries: Delivery[], missing: number, window: { from: number; to: number }): E2eStats {
  const lat = deliveries.map((d) => d.receiptMs - d.createdMs);
  const inWindow = deliveries.filter((d) => d.receiptMs >= window.from && d.receiptMs <= window.to).length;
  const first = Math.min(...deliveries.map((d) => d.createdMs));
  const last = Math.max(...deliveries.map((d) => d.receiptMs));
  return {
    latencyMs: percentiles(lat),
    sustainedPerSec: inWindow / ((window.to - window.from) / 1000),
    overallPerSec: deliveries.length / ((last - first) / 1000),
    missing,
  };
}

/**
 * Pre-builds `count` accepted reports exactly as MessagesService.send stores them (message signed
 * by the unit's key with the node's own envelope code, one PENDING recipient, the ENVELOPE and
 * AUDIT outbox rows, the audit_log entry), then writes them into the sender's database in
 * transactions of `batch` messages, with NOTIFY, as fast as the database takes them.
 */
/** The daily report as the API accepts it: validated and converted, as `MessagesService.send` gets it. */
export function dailyRequest(): SendMessageRequest {
  const v = validateSendMessageRequest(dailyReport());
  if (!v.ok) throw new Error(`bench report invalid: ${JSON.stringify(v.errors)}`);
  return v.value as SendMessageRequest;
}

export async function injectOutbox(sys: BenchSystem, senderDb: string, count: number, batch: number): Promise<{ ids: string[]; buildMs: number; insertMs: number; startedAt: number; batchSigning: boolean }> {
  const directory = loadDirectory(sys.directoryPath);
  const keys = loadAgencyKeys(join(sys.keysDir, 'border', 'keys.json'), 'border', directory);
  const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId)! })));
  const req = dailyRequest();
  const clock = new SystemClock();
  const [{ batch: batchSigning }] = await sys.sql<{ batch: boolean }>(senderDb, `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'outbox' AND column_name = 'signing_unit') AS batch`);
  const tb = performance.now();
  type Row = { id: string; corr: string; cols: ReturnType<typeof messageColumns>; signed: Buffer; eventId: string; audit: Buffer };
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const now = clock.now();
    const id = uuidv7(clock);
    const env = envelopeFromRequest(req, id, now);
    const cols = messageColumns(env);
    const envelope = encodeEnvelope(env);
    // Per-message signing (send path up to d01cc28): the SignedEnvelope goes into the message and
    // the outbox. Batch signing (outbox.signing_unit present): signed below, a batch at a time.
    const signed = batchSigning ? Buffer.from(envelope) : Buffer.from(encodeSigned({ envelope, ...signer.sign(SENDER, envelope) }));
    const eventId = uuidv7(clock);
    const audit = Buffer.from(
      toBinary(
        AuditEventSchema,
        create(AuditEventSchema, {
          eventId,
          node: 'border',
          action: WireAction.SENT,
          at: timestampFromDate(now),
          actor: 'border.duty',
          messageId: id,
          kind: MessageKind.DAILY,
          senderUnit: SENDER,
          recipientUnits: [RECIPIENT],
          units: [SENDER],
          sentAt: timestampFromDate(now),
          reportedAt: cols.reportedAt ? timestampFromDate(cols.reportedAt) : undefined,
          period: cols.period ?? '',
          summary: cols.summary.slice(0, 300),
        }),
      ),
    );
    rows.push({ id, corr: env.correlationId, cols, signed, eventId, audit });
  }
  // Batch signing: one signature per transaction's worth of reports over their Merkle root, each
  // envelope with its inclusion proof, as the node signs what one transaction writes
  // (OutboxService.prepare). The message and the outbox row hold the SignedEnvelope; the relay
  // publishes it as it is. (With @shekara/security's signBatch rather than the node's signRows,
  // which older commits measured with BENCH_SOURCE do not have.)
  if (batchSigning) {
    for (let i = 0; i < rows.length; i += batch) {
      const chunk = rows.slice(i, i + batch);
      const sig = signBatch(signer, SENDER, chunk.map((r) => r.signed));
      chunk.forEach((r, j) => {
        const proof = sig.proofs[j];
        r.signed = Buffer.from(encodeSigned({ envelope: r.signed, keyId: sig.keyId, signature: sig.signature, batchProof: { siblings: proof.path, index: proof.index, leafCount: proof.size } }));
      });
    }
  }
  const buildMs = performance.now() - tb;
  const inbox = sys.names.inboxFrom('interior', 'border');
  const auditSubject = sys.names.auditSubject('border');
  const c = new Client({ connectionString: senderDb });
  await c.connect();
  const startedAt = Date.now();
  const ti = performance.now();
  try {
    for (let i = 0; i < rows.length; i += batch) {
      const chunk = rows.slice(i, i + batch);
      const now = new Date();
      const ids = chunk.map((r) => r.id);
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, reported_at, period, summary, payload, signed, created_by)
         SELECT id, 'OUT', $3, $4, $5, corr, $6, $7, $7, $8, $9, payload::jsonb, signed, 'border.duty'
           FROM unnest($1::uuid[], $2::text[], $10::text[], $11::bytea[]) AS x(id, corr, payload, signed)`,
        [ids, chunk.map((r) => r.corr), chunk[0].cols.kind, SENDER, [RECIPIENT], chunk[0].cols.classification, now, chunk[0].cols.period, chunk[0].cols.summary, chunk.map((r) => JSON.stringify(r.cols.payload)), chunk.map((r) => r.signed)],
      );
      await c.query(`INSERT INTO message_recipients (message_id, unit_id, agency, status) SELECT id, $2, 'interior', 'PENDING' FROM unnest($1::uuid[]) AS id`, [ids, RECIPIENT]);
      await c.query(
        `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
         SELECT id, 'ENVELOPE', 'interior', $3, id::text, p, $4, $4 FROM unnest($1::uuid[], $2::bytea[]) AS x(id, p)`,
        [ids, chunk.map((r) => r.signed), inbox, now],
      );
      await c.query(
        `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
         SELECT id, 'AUDIT', 'border', $4, ev, p, $5, $5 FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS x(id, ev, p)`,
        [ids, chunk.map((r) => r.eventId), chunk.map((r) => r.audit), auditSubject, now],
      );
      await c.query(
        `INSERT INTO audit_log (at, actor, action, message_id, unit_id, details)
         SELECT $2, 'border.duty', 'sent', id, $3, jsonb_build_object('correlationId', id) FROM unnest($1::text[]) AS id`,
        [ids, now, SENDER],
      );
      await c.query(`SELECT pg_notify('shekara_outbox', '')`);
      await c.query('COMMIT');
    }
  } finally {
    await c.end();
  }
  return { ids: rows.map((r) => r.id), buildMs, insertMs: performance.now() - ti, startedAt, batchSigning };
}

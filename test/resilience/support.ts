/**
 * Resilience tests drive the BUILT apps as child processes (node dist/apps/<app>/src/main.js),
 * through their public entry points only: HTTP, the bus, and each node's own database for the
 * final accounting. Whatever is killed or restarted is a child of the test or a private server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { NatsConnection } from '@nats-io/transport-node';
import { AGENCIES, BusNames } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { ensureDirectoryFiles, readAuthorityPublicKey } from '@shekara/directory';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { PG_URL } from '../support/harness';
import { TestDatabase } from '../support/database';
import type { Topology } from '@shekara/bus-topology';
import { TestBus } from '../support/bus';
import { AppProcess, freePort, migrateApp, sleep, tail, waitFor } from '../support/processes';
import type { AppName } from '../support/processes';

export { sleep, waitFor };
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHILD_LOG_LEVEL = process.env.TEST_CHILD_LOG_LEVEL ?? 'info';

/** Node settings for fast recovery in tests. */
export const FAST_RECOVERY = {
  OUTBOX_POLL_MS: '200',
  OUTBOX_RESEND_AFTER_MS: '2000',
  OUTBOX_RESEND_MAX_MS: '5000',
  BUS_ACK_WAIT_MS: '5000',
  BUS_MAX_DELIVERIES: '8',
};

export interface ProcSystemOptions {
  /**
   * The bus topology provisioned for this system (its prefix is replaced by the run's): e.g. with a
   * clustered hub or agency server. Default: config/bus.json with free ports (hub and one server
   * per agency). Every app connects as its own identity.
   */
  topology?: Topology;
  /** Server URL (any database name) per agency; default the shared PostgreSQL. */
  pgUrls?: Partial<Record<AgencyCode | 'supervisor', string>>;
  /** Default: R3 for an app whose server is a cluster of 3 or more, else R1. */
  streamReplicas?: number;
  nodeEnv?: Record<string, string>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  ms: number;
}

/**
 * Three agency nodes (and optionally the supervisor and the scheduler) as child processes, isolated
 * by a run-unique bus prefix and their own databases; cleanup() removes it all.
 */
export class ProcSystem {
  readonly runId = `r${randomBytes(4).toString('hex')}`;
  readonly names = new BusNames(this.runId);
  readonly dir = mkdtempSync(join(tmpdir(), 'shekara-resilience-'));
  readonly files = ensureDirectoryFiles(this.dir);
  readonly nodes = new Map<AgencyCode, AppProcess>();
  supervisor?: AppProcess;
  scheduler?: AppProcess;
  private readonly secret = `resilience-${randomBytes(16).toString('hex')}`;
  private readonly tokens = new Map<string, string>();

  /** The private provisioned bus. */
  readonly bus: TestBus;

  constructor(readonly options: ProcSystemOptions = {}) {
    this.bus = options.topology ? new TestBus(this.runId, options.topology) : new TestBus(this.runId);
  }

  /** A test's own connection as `identity`. */
  async connectAs(identity: string): Promise<NatsConnection> {
    return this.bus.connect(identity);
  }

  /** The bus settings of one app's environment: its identity on the provisioned bus. */
  busEnv(identity: string): Record<string, string> {
    return { BUS_DIR: this.bus.dir, BUS_IDENTITY: identity };
  }

  /** STREAM_REPLICAS only when a test sets it: otherwise the apps derive it from the manifest (R3 on a cluster of three). */
  private replicas(): Record<string, string> {
    return this.options.streamReplicas ? { STREAM_REPLICAS: String(this.options.streamReplicas) } : {};
  }

  private readonly databases = new Map<AgencyCode | 'supervisor', TestDatabase>();

  /** The app's database with its owner and restricted app roles, on its server (provisioned by start). */
  database(who: AgencyCode | 'supervisor'): TestDatabase {
    let d = this.databases.get(who);
    if (!d) this.databases.set(who, (d = new TestDatabase(this.options.pgUrls?.[who] ?? PG_URL, `shekara_${this.runId}_${who}`)));
    return d;
  }

  /** The app's own (restricted) role: what it connects as. */
  databaseUrl(who: AgencyCode | 'supervisor'): string {
    return this.database(who).appUrl;
  }

  /** The owner's URL (the migrations). */
  migrationUrl(who: AgencyCode | 'supervisor'): string {
    return this.database(who).migrationUrl;
  }

  private common(identity: string): Record<string, string> {
    return {
      ...this.busEnv(identity),
      BUS_PREFIX: this.runId,
      DIRECTORY_PATH: this.files.directoryPath,
      DIRECTORY_AUTHORITY_KEY: readAuthorityPublicKey(this.files.authorityPublicKeyPath),
      LOG_LEVEL: CHILD_LOG_LEVEL,
    };
  }

  /** Creates (does not start) the node processes; start them with startNodes(). */
  async startNodes(agencies: readonly AgencyCode[] = AGENCIES): Promise<void> {
    await this.bus.start();
    for (const agency of agencies) {
      await this.database(agency).provision();
      // The migration step, then the node with DATABASE_URL only (docs/database-roles.md).
      await migrateApp(agency, { DATABASE_URL: this.databaseUrl(agency), DATABASE_MIGRATION_URL: this.migrationUrl(agency) });
      const port = await freePort();
      const node = new AppProcess(
        agency,
        port,
        {
          ...this.common(`${agency}-node`),
          SHEKARA_AGENCY: agency,
          DATABASE_URL: this.databaseUrl(agency),
          // Only for the outbox's vacuum: this machine's server runs without autovacuum.
          DATABASE_MAINTENANCE_URL: this.migrationUrl(agency),
          ...this.replicas(),
          JWT_SECRET: this.secret,
          KEYS_PATH: this.files.keyPaths[agency],
          DEMO_USERS: 'true',
          HTTP_BODY_LIMIT: '256kb',
          WEB_DIR: join(this.dir, 'no-web'),
          ...FAST_RECOVERY,
          ...this.options.nodeEnv,
        },
        join(this.dir, `${agency}.log`),
      );
      this.nodes.set(agency, node);
    }
    // Sequentially: the first boot creates the streams (concurrent stream creation races are not under test).
    for (const agency of agencies) await this.nodes.get(agency)!.start();
  }

  async startSupervisor(): Promise<AppProcess> {
    await this.bus.start();
    await this.database('supervisor').provision();
    await migrateApp('supervisor', { DATABASE_URL: this.databaseUrl('supervisor'), DATABASE_MIGRATION_URL: this.migrationUrl('supervisor') });
    this.supervisor = new AppProcess(
      'supervisor',
      await freePort(),
      { ...this.common('supervisor'), DATABASE_URL: this.databaseUrl('supervisor'), ...this.replicas(), JWT_SECRET: this.secret, BUS_ACK_WAIT_MS: '5000', DEMO_USERS: 'false', WEB_DIR: join(this.dir, 'no-web') },
      join(this.dir, 'supervisor.log'),
    );
    return this.supervisor.start();
  }

  async startScheduler(redisUrl: string, env: Record<string, string> = {}): Promise<AppProcess> {
    await this.bus.start();
    this.scheduler = new AppProcess(
      'scheduler',
      await freePort(),
      { ...this.common('scheduler'), REDIS_URL: redisUrl, QUEUE_PREFIX: `${this.runId}-q`, SWEEP_EVERY_MS: '1000', ESCALATION_HORIZON_S: '600', RPC_TIMEOUT_MS: '5000', ...env },
      join(this.dir, 'scheduler.log'),
      '/health',
    );
    return this.scheduler.start();
  }

  node(agency: AgencyCode): AppProcess {
    const n = this.nodes.get(agency);
    if (!n) throw new Error(`node ${agency} not created`);
    return n;
  }

  async login(agency: AgencyCode, role: 'duty' | 'supervisor' | 'admin' = 'duty'): Promise<string> {
    const key = `${agency}.${role}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const r = await this.api(agency, 'POST', '/api/auth/login', { username: key, password: DEMO_PASSWORD });
    if (r.status !== 200) throw new Error(`login ${key} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.tokens.set(key, r.body.accessToken);
    return r.body.accessToken;
  }

  async api<T = any>(agency: AgencyCode, method: string, path: string, body?: unknown, token?: string, opts: { raw?: string; timeoutMs?: number; contentType?: string } = {}): Promise<ApiResponse<T>> {
    const t0 = Date.now();
    const res = await fetch(this.node(agency).url + path, {
      method,
      headers: { 'content-type': opts.contentType ?? 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, ms: Date.now() - t0 };
  }

  /** One query in an app's database as the administrator (the final accounting, tampering). */
  async sql<T = any>(who: AgencyCode | 'supervisor', query: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.database(who).adminUrl, connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return (await c.query(query, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** The last log lines of every app (attached to failure messages). */
  logs(lines = 30): string {
    const apps: AppProcess[] = [...this.nodes.values(), ...(this.supervisor ? [this.supervisor] : []), ...(this.scheduler ? [this.scheduler] : [])];
    return apps.map((a) => `--- ${a.app} (${a.logPath})\n${tail(a.logPath, lines)}`).join('\n');
  }

  /** Lines of an app's log matching a pattern. */
  grepLog(app: AppName, pattern: RegExp): string[] {
    const a = app === 'supervisor' ? this.supervisor : app === 'scheduler' ? this.scheduler : this.nodes.get(app);
    if (!a) return [];
    return tail(a.logPath, 1_000_000).split('\n').filter((l) => pattern.test(l));
  }

  async cleanup(): Promise<void> {
    const apps = [...this.nodes.values(), this.supervisor, this.scheduler].filter((a): a is AppProcess => !!a);
    await Promise.all(apps.map((a) => a.kill('SIGTERM', 10_000)));
    // The private bus goes with its streams.
    await this.bus.stop();
    for (const d of this.databases.values()) await d.release().catch(() => undefined);
    if (!process.env.KEEP_RESILIENCE_LOGS) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// A stream of messages from one duty officer, with every attempt's outcome recorded

export type Outcome =
  /** 201 with an id: accepted, must be delivered exactly once. */
  | 'accepted'
  /** An HTTP answer other than 201 (503 while the database is away, 4xx): not accepted, must not exist. */
  | 'refused-by-server'
  /** The connection was refused: the request never reached a server, must not exist. */
  | 'connection-refused'
  /**
   * The request may have reached the server but no answer came (the process was killed mid-request,
   * reset, timeout). Not accepted as far as the client knows; the server may have stored it, and
   * then it must be delivered exactly once like any other (an "orphan").
   */
  | 'no-answer';

export interface Attempt {
  seq: number;
  outcome: Outcome;
  status?: number;
  id?: string;
  code?: string;
  error?: string;
  ms: number;
}

export interface StreamOptions {
  /** Stop once this many messages have been accepted. */
  target: number;
  concurrency?: number;
  /** The body of the seq-th message; its summary (or text) must start with `${marker} #${seq} `. */
  body?: (seq: number, marker: string) => Record<string, unknown>;
  /** Pause after a failed attempt (avoid spinning while a node is down). */
  backoffMs?: number;
  from?: AgencyCode;
}

export const BORDER = 'border.l4.CP-CN-A-01';
export const INTERIOR = 'interior.l4.CP-CN-A-01';
export const CUSTOMS = 'customs.l4.CP-CN-A-01';

export function dailyBody(seq: number, marker: string): Record<string, unknown> {
  return { senderUnit: BORDER, recipientUnits: [INTERIOR, CUSTOMS], classification: 'CLASSIFICATION_FOR_OFFICIAL_USE', daily: { summary: `${marker} #${seq} no changes at the checkpoint` } };
}

/** Sends messages concurrently until `target` are accepted; records every attempt. */
export class MessageStream {
  readonly marker = `rs-${randomBytes(3).toString('hex')}`;
  readonly attempts: Attempt[] = [];
  private seq = 0;
  private stopped = false;
  private done?: Promise<void>;

  constructor(
    private readonly sys: ProcSystem,
    private readonly token: string,
    readonly options: StreamOptions,
  ) {}

  get accepted(): Attempt[] {
    return this.attempts.filter((a) => a.outcome === 'accepted');
  }
  count(outcome: Outcome): number {
    return this.attempts.filter((a) => a.outcome === outcome).length;
  }

  start(): this {
    const workers = Array.from({ length: this.options.concurrency ?? 4 }, () => this.worker());
    this.done = Promise.all(workers).then(() => undefined);
    return this;
  }

  /** Resolves when `n` messages have been accepted. */
  async acceptedAtLeast(n: number, timeoutMs = 120_000): Promise<void> {
    await waitFor(async () => this.accepted.length >= n || this.finishedEarly(), timeoutMs, `${n} accepted messages`, 20);
  }

  private finishedEarly(): boolean {
    return this.stopped;
  }

  async finished(): Promise<void> {
    await this.done;
  }

  stop(): void {
    this.stopped = true;
  }

  private async worker(): Promise<void> {
    const cap = this.options.target * 4 + 5_000;
    const from = this.options.from ?? 'border';
    const body = this.options.body ?? dailyBody;
    while (!this.stopped && this.accepted.length < this.options.target && this.seq < cap) {
      const seq = ++this.seq;
      const t0 = Date.now();
      let a: Attempt;
      try {
        const r = await this.sys.api(from, 'POST', '/api/messages', body(seq, this.marker), this.token, { timeoutMs: 20_000 });
        a = r.status === 201 && typeof r.body?.id === 'string'
          ? { seq, outcome: 'accepted', status: 201, id: r.body.id, ms: r.ms }
          : { seq, outcome: 'refused-by-server', status: r.status, code: r.body?.code, error: typeof r.body === 'string' ? r.body.slice(0, 200) : r.body?.message, ms: r.ms };
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        const code = cause?.code ?? (e as { name?: string }).name;
        a = { seq, outcome: code === 'ECONNREFUSED' ? 'connection-refused' : 'no-answer', code, error: cause?.message ?? (e as Error).message, ms: Date.now() - t0 };
      }
      this.attempts.push(a);
      if (a.outcome !== 'accepted') await sleep(this.options.backoffMs ?? 100);
    }
  }

  /** How the attempts turned out, for the test's log. */
  summary(): Record<string, unknown> {
    const by: Record<string, number> = {};
    for (const a of this.attempts) {
      const k = a.outcome === 'refused-by-server' ? `${a.status} ${a.code ?? ''}`.trim() : a.outcome === 'accepted' ? 'accepted' : `${a.outcome} (${a.code})`;
      by[k] = (by[k] ?? 0) + 1;
    }
    return { marker: this.marker, attempts: this.attempts.length, ...by };
  }
}

export interface Accounting {
  accepted: number;
  /** Stored at the sender and delivered exactly once, but never acknowledged to the client (answer lost). */
  orphans: Array<{ id: string; seq: number; attempt?: Attempt }>;
  stored: number;
  attempts: Record<string, unknown>;
}

/**
 * The bus went away under the stream, the apps did not: every attempt accepted (the API kept
 * accepting), none orphaned, no app exited, and at least `target` accepted.
 */
export function expectEveryAttemptAccepted(sys: ProcSystem, stream: MessageStream, result: Accounting, target = 300): void {
  expect(result.accepted).toBeGreaterThanOrEqual(target);
  expect(result.orphans).toEqual([]);
  expect(stream.attempts.filter((a) => a.outcome !== 'accepted')).toEqual([]);
  for (const a of AGENCIES) expect(sys.node(a).exits).toEqual([]);
}

/** seq from a summary `${marker} #${seq} …`. */
function seqOf(summary: string): number {
  const m = /#(\d+) /.exec(summary);
  return m ? Number(m[1]) : NaN;
}

/**
 * The end-of-run accounting (waits up to timeoutMs for the system to settle):
 * - every accepted id is stored once at the sender, and every stored id has all its recipients
 *   DELIVERED or READ at the sender (receipts complete) and no envelope left in its outbox;
 * - at each recipient node exactly the sender's ids are stored, each once, no seq twice;
 * - ids stored at the sender but never acknowledged to the client ("orphans") are allowed only for
 *   attempts that got no answer (killed mid-request); an attempt answered with an error, or whose
 *   connection was refused, must have stored nothing.
 */
export async function account(sys: ProcSystem, stream: MessageStream, opts: { sender?: AgencyCode; recipients?: AgencyCode[]; timeoutMs?: number } = {}): Promise<Accounting> {
  const sender = opts.sender ?? 'border';
  const recipients = opts.recipients ?? (['interior', 'customs'] as AgencyCode[]);
  const like = `${stream.marker} #%`;
  type Row = { id: string; summary: string; statuses: string[] };
  const senderRows = () =>
    sys.sql<Row>(
      sender,
      `SELECT m.id, m.summary, array_agg(r.status ORDER BY r.unit_id) AS statuses
         FROM messages m JOIN message_recipients r ON r.message_id = m.id
        WHERE m.direction = 'OUT' AND m.summary LIKE $1 GROUP BY m.id, m.summary`,
      [like],
    );
  let rows: Row[] = [];
  let lastState = '';
  try {
    await waitFor(
      async () => {
        rows = await senderRows();
        const notDone = rows.filter((r) => !r.statuses.every((s) => s === 'DELIVERED' || s === 'READ'));
        const [{ n: pendingOutbox }] = await sys.sql<{ n: number }>(sender, `SELECT count(*)::int AS n FROM outbox o JOIN messages m ON m.id = o.message_id WHERE o.kind = 'ENVELOPE' AND o.done_at IS NULL AND m.summary LIKE $1`, [like]);
        const counts = await Promise.all(recipients.map(async (a) => (await sys.sql<{ n: number }>(a, `SELECT count(*)::int AS n FROM messages WHERE direction = 'IN' AND summary LIKE $1`, [like]))[0].n));
        lastState = JSON.stringify({ atSender: rows.length, notDelivered: notDone.length, sample: notDone.slice(0, 3), pendingOutbox, atRecipients: counts });
        return rows.length >= stream.accepted.length && notDone.length === 0 && pendingOutbox === 0 && counts.every((n) => n >= rows.length);
      },
      opts.timeoutMs ?? 120_000,
      'every stored message to be delivered with receipts',
      500,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nlast state: ${lastState}\nstream: ${JSON.stringify(stream.summary())}\n${sys.logs()}`);
  }

  const bySeq = new Map(stream.attempts.map((a) => [a.seq, a]));
  const senderIds = new Set(rows.map((r) => r.id));
  const acceptedIds = stream.accepted.map((a) => a.id!);
  expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
  expect(acceptedIds.filter((id) => !senderIds.has(id))).toEqual([]); // accepted means durable

  // Orphans: stored, never acknowledged; only from attempts without an answer.
  const acceptedSet = new Set(acceptedIds);
  const orphans = rows.filter((r) => !acceptedSet.has(r.id)).map((r) => ({ id: r.id, seq: seqOf(r.summary), attempt: bySeq.get(seqOf(r.summary)) }));
  expect(orphans.filter((o) => o.attempt?.outcome !== 'no-answer')).toEqual([]);
  // No attempt stored twice (one seq, one id) — at the sender and at every recipient.
  const seqs = rows.map((r) => seqOf(r.summary));
  expect(seqs.length - new Set(seqs).size).toBe(0);

  for (const a of recipients) {
    const got = await sys.sql<{ id: string; summary: string; local: number }>(
      a,
      `SELECT m.id, m.summary, (SELECT count(*)::int FROM message_recipients r WHERE r.message_id = m.id) AS local
         FROM messages m WHERE m.direction = 'IN' AND m.summary LIKE $1`,
      [like],
    );
    const ids = got.map((g) => g.id);
    expect({ agency: a, count: ids.length, distinct: new Set(ids).size }).toEqual({ agency: a, count: senderIds.size, distinct: senderIds.size });
    expect(ids.filter((id) => !senderIds.has(id))).toEqual([]);
    const recSeqs = got.map((g) => seqOf(g.summary));
    expect(recSeqs.length - new Set(recSeqs).size).toBe(0);
    expect(got.filter((g) => g.local !== 1)).toEqual([]); // one local recipient unit per agency here
    const [{ n: dead }] = await sys.sql<{ n: number }>(a, `SELECT count(*)::int AS n FROM dead_letters`);
    expect({ agency: a, deadLetters: dead }).toEqual({ agency: a, deadLetters: 0 });
  }
  // Never a 500.
  const fiveHundreds = stream.attempts.filter((x) => (x.status ?? 0) >= 500 && x.status !== 503);
  expect({ fiveHundreds, senderLog: fiveHundreds.length ? sys.grepLog(sender, /unexpected error/).map((l) => l.slice(0, 1500)) : [] }).toEqual({ fiveHundreds: [], senderLog: [] });
  return { accepted: acceptedIds.length, orphans, stored: rows.length, attempts: stream.summary() };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { create, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { Clock, JsonLogger } from '@shekara/common';
import { AGENCIES, AuditAction, AuditEventBatchSchema, AuditEventSchema, BusNames, MessageKind, SignedAuditBatchSchema } from '@shekara/contracts';
import type { AgencyCode, AuditEvent, RpcMethod } from '@shekara/contracts';
import { REFERENCE, buildDirectory, ensureDirectoryFiles, loadAgencyKeys, loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import type { DirectoryData, ReferenceData } from '@shekara/directory';
import { UnitSigner, auditBatchSigningInput } from '@shekara/security';
import { rpcCall } from '@shekara/messaging';
import type { AuditMessage } from '@shekara/policy';
import { startSupervisor } from '../../apps/supervisor/src/bootstrap';
import { SUPERVISOR_APP_PRIVILEGES, supervisorDataSource } from '../../apps/supervisor/src/data-source';
import { EXPORT_XLSX_MAX_ROWS_DEFAULT } from '../../apps/supervisor/src/config';
import type { SupervisorConfig } from '../../apps/supervisor/src/config';
import { PG_URL, eventually } from '../support/harness';
import { TestDatabase } from '../support/database';
import { TestBus } from '../support/bus';
import type { ApiResponse } from '../support/harness';

export { eventually };

/**
 * A small directory seeded from the reference: the three headquarters, and for two checkpoints in
 * two zones (Asia/Oral and Asia/Almaty, which differed until 2024-03-01) their regional, level-4
 * and level-5 units: 21 units, 7 interaction groups.
 */
export function smallDirectory(): DirectoryData {
  return buildDirectory(smallReference());
}

function smallReference(): ReferenceData {
  const keep = new Set(['CP-RU-A-02', 'CP-CN-A-01']);
  return { regions: REFERENCE.regions, checkpoints: { checkpoints: REFERENCE.checkpoints.checkpoints.filter((c) => keep.has(c.id)) } };
}

/** How publishAs signs a batch: as a unit of `agency` (its headquarters), or not at all. */
export interface SignAs {
  /** The agency whose key signs; default: the subject's. */
  agency?: AgencyCode;
  /** The unit named as signer_unit; default: the one whose key signs. */
  claimUnit?: string;
}

export interface SupervisorHarnessOptions {
  /** Share a bus prefix (and so the audit stream) with a TestSystem: see SupervisorHarness.of(). */
  names?: BusNames;
  /** The TestSystem's private bus (default: one of its own, started by start()). */
  testBus?: TestBus;
  /** A directory.json to use; default: smallDirectory() (with new keys) written to a temporary dir. */
  directoryPath?: string;
  /** The agencies' private keys for directoryPath (to sign audit batches as the nodes do). */
  keyPaths?: Record<AgencyCode, string>;
  clock?: Clock;
  /** EXPORT_XLSX_MAX_ROWS (default: the supervisor's). */
  xlsxMaxRows?: number;
  /** The built console to serve (WEB_DIR); default: none. */
  webDir?: string;
}

/**
 * The supervisor in this process on the real PostgreSQL and NATS, isolated by a run-unique prefix
 * and database, torn down by cleanup(). The one supervisor of the integration tests: on its own
 * (ledger tests) or beside a TestSystem's nodes (of()).
 */
export class SupervisorHarness {
  /** The supervisor of a TestSystem: the nodes' bus prefix (their audit stream) and directory. */
  static of(
    sys: { names: BusNames; bus: TestBus; files: { directoryPath: string; keyPaths: Record<AgencyCode, string> } },
    options: Omit<SupervisorHarnessOptions, 'names' | 'directoryPath' | 'keyPaths' | 'testBus'> = {},
  ): SupervisorHarness {
    return new SupervisorHarness({ ...options, names: sys.names, testBus: sys.bus, directoryPath: sys.files.directoryPath, keyPaths: sys.files.keyPaths });
  }

  readonly runId = `s${randomBytes(4).toString('hex')}`;
  readonly names: BusNames;
  readonly dir = mkdtempSync(join(tmpdir(), 'shekara-supervisor-'));
  readonly directoryPath: string;
  /** The directory authority's public key (base64): the supervisor refuses a directory not signed with it. */
  readonly authorityKey: string;
  readonly directory?: DirectoryData;
  private readonly keyPaths?: Record<AgencyCode, string>;
  private signers?: Map<AgencyCode, { signer: UnitSigner; unit: string }>;
  app?: NestExpressApplication;
  /** The bus: the TestSystem's, or its own (then stopped by cleanup()). */
  readonly testBus: TestBus;
  /** Its connections as other parties (a node publishing audit batches, the scheduler calling). */
  private readonly conns = new Map<string, Promise<NatsConnection>>();
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: SupervisorHarnessOptions = {}) {
    this.names = options.names ?? new BusNames(this.runId);
    this.testBus = options.testBus ?? new TestBus(this.names.prefix);
    if (options.directoryPath) {
      this.directoryPath = options.directoryPath;
      this.keyPaths = options.keyPaths;
      // ensureDirectoryFiles writes the authority's public key beside the directory.
      this.authorityKey = readAuthorityPublicKey(join(dirname(options.directoryPath), 'directory-authority.pub'));
    } else {
      const files = ensureDirectoryFiles(this.dir, { reference: smallReference() });
      this.directoryPath = files.directoryPath;
      this.keyPaths = files.keyPaths;
      this.authorityKey = readAuthorityPublicKey(files.authorityPublicKeyPath);
      // The directory's content: the file is the signed document that carries it.
      this.directory = (JSON.parse(readFileSync(files.directoryPath, 'utf8')) as { directory: DirectoryData }).directory;
    }
  }

  /** The ledger's database with its owner and restricted app roles (provisioned by start). */
  readonly database = new TestDatabase(PG_URL, `shekara_${this.runId}_supervisor`);

  /** The ledger's own (restricted) role: what it connects as. */
  get databaseUrl(): string {
    return this.database.appUrl;
  }

  config(): SupervisorConfig {
    return {
      databaseUrl: this.databaseUrl,
      nats: this.testBus.settings('supervisor'),
      busPrefix: this.names.prefix,
      streamReplicas: 1,
      http: { host: '127.0.0.1', port: 0 },
      jwt: { secret: `test-secret-${this.runId}-0123456789abcdef0123456789`, ttlSeconds: 3600 },
      directoryPath: this.directoryPath,
      directoryAuthorityKey: this.authorityKey,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
      bus: { ackWaitMs: 5_000 },
      demoUsers: true,
      webDir: this.options.webDir ?? join(this.dir, 'no-web'),
      exports: { xlsxMaxRows: this.options.xlsxMaxRows ?? EXPORT_XLSX_MAX_ROWS_DEFAULT },
    };
  }

  async start(): Promise<this> {
    await this.testBus.start();
    const config = this.config();
    // The migration step (as the owner), then the ledger with its app role's URL (docs/database-roles.md).
    await this.database.migrate(supervisorDataSource, SUPERVISOR_APP_PRIVILEGES, { template: 'supervisor' });
    this.app = await startSupervisor(config, { clock: this.options.clock, logger: new JsonLogger('supervisor-test', config.logLevel) });
    return this;
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }

  get url(): string {
    const address = this.app!.getHttpServer().address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** A connection as `identity` (an agency's node publishes its audit; the scheduler calls the RPCs). */
  async busAs(identity: string): Promise<NatsConnection> {
    await this.testBus.start();
    if (!this.conns.has(identity)) this.conns.set(identity, this.testBus.connect(identity));
    return this.conns.get(identity)!;
  }

  /** What an agency's node publishes its audit batches with (only its own audit subjects are allowed). */
  private node(agency: AgencyCode): Promise<NatsConnection> {
    return this.busAs(`${agency}-node`);
  }

  /** Each agency's signer, as its node signs audit batches: with its first unit (headquarters). */
  private signer(agency: AgencyCode): { signer: UnitSigner; unit: string } {
    if (!this.keyPaths) throw new Error('this harness has no private keys (keyPaths) to sign audit batches with');
    if (!this.signers) {
      const directory = loadDirectory(this.directoryPath);
      this.signers = new Map(
        AGENCIES.map((a) => {
          const keys = loadAgencyKeys(this.keyPaths![a], a, directory);
          const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })));
          return [a, { signer, unit: directory.units({ agency: a }).find((u) => signer.canSignAs(u.id))!.id }];
        }),
      );
    }
    return this.signers.get(agency)!;
  }

  /** The bytes of a SignedAuditBatch of `events` signed with `agency`'s key (claiming `claimUnit`, if given). */
  signedBatch(agency: AgencyCode, events: readonly AuditEvent[], claimUnit?: string): Uint8Array {
    const { signer, unit } = this.signer(agency);
    const batch = toBinary(AuditEventBatchSchema, create(AuditEventBatchSchema, { events: [...events] }));
    const { keyId, signature } = signer.sign(unit, auditBatchSigningInput(batch));
    return toBinary(SignedAuditBatchSchema, create(SignedAuditBatchSchema, { batch, signerUnit: claimUnit ?? unit, keyId, signature }));
  }

  /** Publishes audit events as the nodes do, a signed batch of one each: Nats-Msg-Id = event id. */
  async publish(events: readonly AuditEvent[], options: { freshMsgIds?: boolean } = {}): Promise<void> {
    for (const ev of events) await this.publishBatch(ev.node as AgencyCode, [ev], options.freshMsgIds ? randomUUID() : ev.eventId);
  }

  /** Publishes audit events as one SignedAuditBatch signed by the agency's node, on its subject. */
  async publishBatch(agency: AgencyCode, events: readonly AuditEvent[], msgID: string = randomUUID()): Promise<void> {
    await this.publishAs(agency, events, { agency }, msgID);
  }

  /** Publishes a SignedAuditBatch on `subjectAgency`'s signed subject, signed as `as` says (forgeries). */
  async publishAs(subjectAgency: AgencyCode, events: readonly AuditEvent[], as: SignAs = {}, msgID: string = randomUUID()): Promise<void> {
    const bytes = this.signedBatch(as.agency ?? subjectAgency, events, as.claimUnit);
    await jetstream(await this.node(subjectAgency)).publish(this.names.auditSignedSubject(subjectAgency), bytes, { msgID });
  }

  /** Publishes raw bytes to an agency's signed audit subject (malformed or tampered batches). */
  async publishRawBatch(agency: AgencyCode, bytes: Uint8Array): Promise<void> {
    await jetstream(await this.node(agency)).publish(this.names.auditSignedSubject(agency), bytes, { msgID: randomUUID() });
  }

  /** Publishes audit events unsigned, as the ledger once accepted them: one AuditEvent on `<prefix>.audit.<agency>`. */
  async publishUnsigned(events: readonly AuditEvent[]): Promise<void> {
    for (const ev of events) await this.publishRaw(ev.node as AgencyCode, toBinary(AuditEventSchema, ev));
  }

  /** Publishes an unsigned AuditEventBatch on `<prefix>.audit.<agency>.batch`. */
  async publishUnsignedBatch(agency: AgencyCode, events: readonly AuditEvent[]): Promise<void> {
    const bytes = toBinary(AuditEventBatchSchema, create(AuditEventBatchSchema, { events: [...events] }));
    await jetstream(await this.node(agency)).publish(this.names.auditBatchSubject(agency), bytes, { msgID: randomUUID() });
  }

  /** Publishes raw bytes to an agency's (unsigned) audit subject. */
  async publishRaw(agency: AgencyCode, bytes: Uint8Array, msgID = randomUUID()): Promise<void> {
    await jetstream(await this.node(agency)).publish(this.names.auditSubject(agency), bytes, { msgID });
  }

  async rpc<Req extends DescMessage, Res extends DescMessage>(method: RpcMethod, reqSchema: Req, request: MessageInitShape<Req>, resSchema: Res): Promise<MessageShape<Res>> {
    return rpcCall(await this.busAs('scheduler'), this.names.rpcFrom('supervisor', 'scheduler', method), reqSchema, create(reqSchema, request), resSchema);
  }

  async login(username = 'supervisor.border', password = DEMO_PASSWORD): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const r = await this.request('POST', '/api/auth/login', undefined, { username, password });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.tokens.set(username, r.body.accessToken);
    return r.body.accessToken;
  }

  /** GET with a user's token (default: the ledger's administrator, who sees everything); JSON parsed when it is JSON. */
  async get<T = any>(path: string, username = 'supervisor'): Promise<ApiResponse<T> & { headers: Headers; bytes: Buffer }> {
    return this.request('GET', path, await this.login(username));
  }

  async request<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<ApiResponse<T> & { headers: Headers; bytes: Buffer }> {
    const res = await fetch(this.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    let parsed: unknown = bytes.toString('utf8');
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(parsed as string);
      } catch {
        /* not JSON */
      }
    }
    return { status: res.status, body: parsed as T, headers: res.headers, bytes };
  }

  /** One query in the ledger's database as the administrator (seeding, inspection, tampering). */
  async sql<T = any>(query: string, params: unknown[] = [], as: 'admin' | 'app' = 'admin'): Promise<T[]> {
    const c = new Client({ connectionString: as === 'app' ? this.databaseUrl : this.database.adminUrl });
    await c.connect();
    try {
      return (await c.query(query, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** Waits until the ledger holds `messages` messages and `events` events. */
  async settled(messages: number, events: number, timeoutMs = 30_000): Promise<void> {
    await eventually(
      async () => {
        const [r] = await this.sql<{ m: string; e: string }>(`SELECT (SELECT count(*) FROM ledger_messages) AS m, (SELECT count(*) FROM ledger_events) AS e`);
        return Number(r.m) === messages && Number(r.e) === events ? r : undefined;
      },
      timeoutMs,
      `ledger with ${messages} messages and ${events} events`,
    );
  }

  async cleanup(): Promise<void> {
    await this.stop();
    this.conns.clear();
    // Its own bus goes with it (the connections too); a TestSystem's closes with the TestSystem.
    if (!this.options.testBus) await this.testBus.stop();
    await this.database.release().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const KIND: Record<AuditMessage['kind'], MessageKind> = {
  URGENT: MessageKind.URGENT,
  URGENT_CONFIRMATION: MessageKind.URGENT_CONFIRMATION,
  DAILY: MessageKind.DAILY,
  MONTHLY: MessageKind.MONTHLY,
  ADVANCE: MessageKind.ADVANCE,
  SEMIANNUAL: MessageKind.SEMIANNUAL,
  HANDOVER_PROPOSAL: MessageKind.HANDOVER_PROPOSAL,
  HANDOVER_ACCEPTANCE: MessageKind.HANDOVER_ACCEPTANCE,
  HANDOVER_DISPUTE: MessageKind.HANDOVER_DISPUTE,
  HANDOVER_WITHDRAWAL: MessageKind.HANDOVER_WITHDRAWAL,
  STATISTICS: MessageKind.STATISTICS,
};

const agencyOf = (unit: string) => unit.split('.')[0] as AgencyCode;

/** The SENT event a node publishes for a message it accepted. */
export function sentEvent(m: AuditMessage, summary = `report ${m.id}`): AuditEvent {
  return create(AuditEventSchema, {
    eventId: randomUUID(),
    node: agencyOf(m.from),
    action: AuditAction.SENT,
    at: timestampFromDate(m.sentAt),
    actor: `${m.from}.duty`,
    messageId: m.id,
    kind: KIND[m.kind],
    senderUnit: m.from,
    recipientUnits: m.to,
    sentAt: timestampFromDate(m.sentAt),
    reportedAt: m.reportedAt ? timestampFromDate(m.reportedAt) : undefined,
    period: m.period ?? '',
    eventAt: m.eventAt ? timestampFromDate(m.eventAt) : undefined,
    confirms: m.confirms ?? '',
    summary,
    handoverItems: m.items ?? [],
  });
}

/** A follow-up event about a message: RECEIVED at a recipient's node, DELIVERED/READ/REJECTED at the sender's. */
export function followUpEvent(m: AuditMessage, action: AuditAction, unit: string, at: Date, reason = ''): AuditEvent {
  const node = action === AuditAction.RECEIVED ? agencyOf(unit) : agencyOf(m.from);
  return create(AuditEventSchema, {
    eventId: randomUUID(),
    node,
    action,
    at: timestampFromDate(at),
    actor: action === AuditAction.READ ? `${agencyOf(unit)}.duty` : 'bus',
    messageId: m.id,
    kind: KIND[m.kind],
    senderUnit: m.from,
    recipientUnits: m.to,
    units: [unit],
    reason,
  });
}

/** The journal line of a message, as `shekara audit` reads it. */
export function journalLine(m: AuditMessage): string {
  return (
    JSON.stringify({
      id: m.id,
      kind: m.kind,
      from: m.from,
      to: m.to,
      sent_at: m.sentAt.toISOString(),
      ...(m.reportedAt ? { reported_at: m.reportedAt.toISOString() } : {}),
      ...(m.confirms !== undefined ? { confirms: m.confirms } : {}),
      ...(m.period !== undefined ? { period: m.period } : {}),
      ...(m.eventAt ? { event_at: m.eventAt.toISOString() } : {}),
      ...(m.items ? { items: m.items } : {}),
    }) + '\n'
  );
}

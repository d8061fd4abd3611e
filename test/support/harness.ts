import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import { AGENCY_NODE_APP_PRIVILEGES, agencyNodeDataSource, startAgencyNode, DEMO_PASSWORD } from '@shekara/agency-node';
import type { AgencyNodeConfig, LiveEvent } from '@shekara/agency-node';
import { JsonLogger } from '@shekara/common';
import type { Clock } from '@shekara/common';
import { AGENCIES, BusNames } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { ensureDirectoryFiles, readAuthorityPublicKey } from '@shekara/directory';
import { PG_URL, TestDatabase } from './database';
import { ensureStreams, manager } from '@shekara/messaging';
import { waitFor } from './processes';
import { TestBus } from './bus';

export { PG_URL };

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/**
 * Three agency nodes in this process on the real PostgreSQL and a private bus (the provisioned
 * topology: hub and one server per agency, each node connecting as its own identity), isolated by a
 * run-unique prefix (their own databases), torn down by cleanup().
 */
export class TestSystem {
  readonly runId = `t${randomBytes(4).toString('hex')}`;
  readonly names = new BusNames(this.runId);
  readonly dir = mkdtempSync(join(tmpdir(), 'shekara-test-'));
  readonly files = ensureDirectoryFiles(this.dir);
  /** The private bus (started by start() or startBus()). */
  readonly bus = new TestBus(this.runId);
  readonly apps = new Map<AgencyCode, NestExpressApplication>();
  private readonly ports = new Map<AgencyCode, number>();
  private readonly tokens = new Map<string, string>();
  private readonly databases = new Map<AgencyCode, TestDatabase>(AGENCIES.map((a) => [a, new TestDatabase(PG_URL, `shekara_${this.runId}_${a}`)]));
  /** The nodes' clock when set before start() (tests that need a given local time); the system clock otherwise. */
  clock?: Clock;

  constructor(private readonly overrides: Partial<AgencyNodeConfig['outbox']> & { maxDeliveries?: number; bundles?: boolean } = {}, private readonly integration?: AgencyNodeConfig['integration']) {}

  config(agency: AgencyCode): AgencyNodeConfig {
    const { maxDeliveries, bundles, ...outbox } = this.overrides;
    return {
      agency,
      databaseUrl: this.databaseUrl(agency),
      // The owner's URL only for the outbox's vacuum (this machine's server runs without autovacuum).
      maintenanceDatabaseUrl: this.databases.get(agency)!.migrationUrl,
      nats: this.bus.settings(`${agency}-node`),
      busPrefix: this.runId,
      streamReplicas: 1,
      http: { host: '127.0.0.1', port: this.ports.get(agency) ?? 0, bodyLimit: '256kb' },
      jwt: { secret: `test-secret-${this.runId}-0123456789abcdef0123456789`, ttlSeconds: 3600 },
      directoryPath: this.files.directoryPath,
      directoryAuthorityKey: readAuthorityPublicKey(this.files.authorityPublicKeyPath),
      directoryPollMs: 200,
      keysPath: this.files.keyPaths[agency],
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
      outbox: { pollMs: 200, resendAfterMs: 30_000, resendMaxMs: 60_000, auditDelayMs: 250, dispatchGraceMs: 5000, vacuumMs: 60_000, retentionDays: 7, pruneMs: 600_000, ...outbox },
      bus: { maxDeliveries: maxDeliveries ?? 5, ackWaitMs: 5_000, bundles: bundles ?? true },
      demoUsers: true,
      webDir: 'dist/web/desk',
      ...(this.integration ? { integration: this.integration } : {}),
    };
  }

  /** The node's own (restricted) role in its database: what the node connects as. */
  databaseUrl(agency: AgencyCode): string {
    return this.databases.get(agency)!.appUrl;
  }

  /** The administrator in the node's database (a superuser): for tests that play an intruder, or hold locks. */
  adminUrl(agency: AgencyCode): string {
    return this.databases.get(agency)!.adminUrl;
  }

  /** The node's database and roles (provisioned on the first start). */
  database(agency: AgencyCode): TestDatabase {
    return this.databases.get(agency)!;
  }

  async start(agencies: readonly AgencyCode[] = AGENCIES): Promise<this> {
    await this.startBus();
    for (const a of agencies) await this.startNode(a);
    return this;
  }

  private busReady?: Promise<void>;

  /**
   * Starts the private bus only (start() does it too), with the ledger's audit stream as the
   * supervisor creates it, so that the nodes' audit batches are stored without a supervisor running.
   */
  async startBus(): Promise<this> {
    this.busReady ??= (async () => {
      await this.bus.start();
      const jsm = await manager(await this.bus.connect('supervisor'));
      await ensureStreams(jsm, [this.names.auditStream()], { replicas: 1, duplicateWindowMs: 2 * 60_000 });
    })();
    await this.busReady;
    return this;
  }

  /** A test's own bus connection as one identity (`border-node` to send into interior's inbox as border). */
  connectAs(identity: string): Promise<NatsConnection> {
    return this.bus.connect(identity);
  }

  async startNode(agency: AgencyCode): Promise<NestExpressApplication> {
    await this.startBus();
    const config = this.config(agency);
    // The migration step (as the owner), then the node with its app role's URL (docs/database-roles.md).
    await this.databases.get(agency)!.migrate(agencyNodeDataSource, AGENCY_NODE_APP_PRIVILEGES, { template: 'node' });
    const app = await startAgencyNode(config, { clock: this.clock, logger: new JsonLogger(`${agency}-test`, config.logLevel) });
    const address = app.getHttpServer().address();
    this.ports.set(agency, typeof address === 'object' && address ? address.port : 0);
    this.apps.set(agency, app);
    return app;
  }

  async stopNode(agency: AgencyCode): Promise<void> {
    const app = this.apps.get(agency);
    this.apps.delete(agency);
    await app?.close();
  }

  url(agency: AgencyCode): string {
    return `http://127.0.0.1:${this.ports.get(agency)}`;
  }

  async login(agency: AgencyCode, role: 'duty' | 'senior' | 'supervisor' | 'admin' = 'duty'): Promise<string> {
    const key = `${agency}.${role}`;
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const r = await this.api(agency, 'POST', '/api/auth/login', { username: key, password: DEMO_PASSWORD });
    if (r.status !== 200) throw new Error(`login ${key} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.tokens.set(key, r.body.accessToken);
    return r.body.accessToken;
  }

  async api<T = any>(agency: AgencyCode, method: string, path: string, body?: unknown, token?: string, raw?: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(this.url(agency) + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T };
  }

  /**
   * Listens to a node's live events for the caller's unit (`GET /api/messages/events`, server-sent
   * events): `next(match)` resolves with the first event received from now on that matches.
   */
  async liveEvents(agency: AgencyCode, token: string): Promise<{ next: (match: (e: LiveEvent) => boolean, ms?: number) => Promise<LiveEvent>; close: () => void }> {
    const abort = new AbortController();
    const res = await fetch(this.url(agency) + '/api/messages/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`live events of ${agency}: ${res.status}`);
    const waiting = new Set<{ match: (e: LiveEvent) => boolean; resolve: (e: LiveEvent) => void }>();
    void (async () => {
      let buffer = '';
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
            buffer = buffer.slice(end + 2);
            if (!data) continue;
            const event = JSON.parse(data) as LiveEvent;
            for (const w of waiting) if (w.match(event)) (waiting.delete(w), w.resolve(event));
          }
        }
      } catch {
        /* closed */
      }
    })();
    return {
      next: (match, ms = 10_000) =>
        new Promise<LiveEvent>((resolve, reject) => {
          const w = { match, resolve: (e: LiveEvent) => (clearTimeout(t), resolve(e)) };
          const t = setTimeout(() => (waiting.delete(w), reject(new Error(`no matching live event of ${agency} within ${ms} ms`))), ms);
          waiting.add(w);
        }),
      close: () => abort.abort(),
    };
  }

  /** Runs one query in an agency's database, as the administrator (a superuser: tampering, inspection). */
  /** A running node's Nest application (tests that look inside it). */
  app(agency: AgencyCode): NestExpressApplication {
    const app = this.apps.get(agency);
    if (!app) throw new Error(`${agency} is not running`);
    return app;
  }

  async sql<T = any>(agency: AgencyCode, query: string, params: unknown[] = [], as: 'admin' | 'app' = 'admin'): Promise<T[]> {
    const c = new Client({ connectionString: as === 'app' ? this.databaseUrl(agency) : this.adminUrl(agency) });
    await c.connect();
    try {
      return (await c.query(query, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async cleanup(): Promise<void> {
    for (const a of [...this.apps.keys()]) await this.stopNode(a);
    await this.bus.stop();
    for (const d of this.databases.values()) await d.release().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls until check() returns a truthy value (or throws with the last value after timeoutMs). */
export function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  return waitFor(check, timeoutMs, what);
}

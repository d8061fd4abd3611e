/**
 * The system under test as separate processes, built from this tree (bench/.build): the sender and
 * recipient agency nodes (and the supervisor for the compliance part), each with a run-unique bus
 * prefix and database, on 127.0.0.1 only. Everything started here is stopped and dropped by
 * cleanup().
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BusServers, freePort, loadTopology, provisionAndStart, withFreePorts } from '@shekara/bus-topology';
import { BusNames } from '@shekara/contracts';
import { connectBus, ensureStreams } from '@shekara/messaging';
import type { AgencyCode } from '@shekara/contracts';
import { conventionalRoles, dropDatabase, dropProvisioned, provisionDatabase, roleUrls, withDatabase } from '@shekara/persistence';
import type { DatabaseRoles } from '@shekara/persistence';

export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
export const BUILD = join(__dirname, '..', '..'); // bench/.build
export const ROOT = join(BUILD, '..', '..');

export interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  log: string;
}

/**
 * Which bus the apps run on: `topology` (the provisioned one of docs/bus.md: a hub and one
 * nats-server per agency, private to the run, every app as its own identity) or `plain` (the
 * machine's shared open server, BENCH_NATS_URL: the old setup, the A of the A/B).
 */
export type BenchBus = 'plain' | 'topology';

export class BenchSystem {
  readonly runId = `bench${randomBytes(3).toString('hex')}`;
  readonly names = new BusNames(this.runId);
  readonly procs = new Map<string, Proc>();
  readonly databases = new Set<string>();
  readonly roles: DatabaseRoles[] = [];
  readonly extraStreams = new Set<string>();
  directoryPath = '';
  keysDir = '';
  authorityKey = '';
  /** Settings of this system's agency nodes on top of the defaults (the on/off legs: {"TLOG_ENABLED":"false"}). */
  nodeEnv: Record<string, string> = {};

  private servers?: BusServers;

  constructor(
    readonly tmp: string,
    readonly bus: BenchBus = 'topology',
  ) {
    mkdirSync(tmp, { recursive: true });
  }

  private busStarted = false;

  /**
   * The run's own bus servers (topology): config/bus.json with free ports and the run's prefix; and,
   * on either bus, the ledger's audit stream as the supervisor makes it (the nodes' audit batches are
   * stored as in service, even in the phases without a supervisor).
   */
  async startBus(): Promise<void> {
    if (this.busStarted) return;
    this.busStarted = true;
    if (this.bus === 'plain') {
      const nc = await connect({ servers: NATS_URL });
      try {
        await ensureStreams(await jetstreamManager(nc), [this.names.auditStream()], { replicas: 1, duplicateWindowMs: 120_000 });
      } finally {
        await nc.close();
      }
      return;
    }
    const topology = { ...withFreePorts(loadTopology(join(ROOT, 'config', 'bus.json'))), prefix: this.runId };
    // Other free ports if one was taken before its server bound it (the run's own connections take ports too).
    this.servers = await provisionAndStart(topology, join(this.tmp, 'bus'));
    const bus = this.servers.bus;
    const { nc } = await connectBus(bus, 'supervisor', { persistent: false });
    try {
      await ensureStreams(await jetstreamManager(nc), [this.names.auditStream()], { replicas: 1, duplicateWindowMs: 120_000 });
    } finally {
      await nc.close();
    }
  }

  /** The bus settings of an app's environment (its identity). */
  private busEnv(identity: string): Record<string, string> {
    return this.bus === 'topology' ? { BUS_DIR: join(this.tmp, 'bus'), BUS_IDENTITY: identity } : { NATS_URL, BUS_IDENTITY: identity };
  }

  /** The seeded directory and unit keys, through the project's own CLI (scripts/directory.ts). */
  ensureDirectory(): void {
    const r = spawnSync(process.execPath, [join(BUILD, 'scripts', 'directory.js'), 'ensure', this.tmp], { encoding: 'utf8', cwd: ROOT });
    if (r.status !== 0) throw new Error(`directory ensure failed: ${r.stderr}`);
    this.directoryPath = join(this.tmp, 'public', 'directory.json');
    this.authorityKey = readFileSync(join(this.tmp, 'public', 'directory-authority.pub'), 'utf8').trim();
    this.keysDir = join(this.tmp, 'keys');
  }

  dbUrl(name: string): string {
    const url = withDatabase(PG_URL, `shekara_${this.runId}_${name}`);
    this.databases.add(url);
    return url;
  }

  /**
   * An app's database provisioned and migrated as the apps run it (docs/database-roles.md): its
   * owner role runs the app's migration step (`main.js migrate`), the app gets its restricted app
   * role's URL (and, a node, the owner's for the outbox's vacuum only: this machine's server runs
   * without autovacuum); dbUrl(name) stays the administrator's, for inspection.
   */
  async provisioned(name: string, main: string): Promise<Record<string, string>> {
    const roles = conventionalRoles(`shekara_${this.runId}_${name}`);
    await provisionDatabase(PG_URL, roles);
    this.roles.push(roles);
    this.dbUrl(name);
    const urls = roleUrls(PG_URL, roles);
    const migrated = spawnSync(process.execPath, [main, 'migrate'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: urls.appUrl, DATABASE_MIGRATION_URL: urls.migrationUrl },
      encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`${name} migrate exited ${migrated.status}: ${migrated.stderr}`);
    return { DATABASE_URL: urls.appUrl, ...(name === 'supervisor' ? {} : { DATABASE_MAINTENANCE_URL: urls.migrationUrl }) };
  }

  private async spawnApp(name: string, main: string, env: Record<string, string>, opts: { nodeArgs?: string[] } = {}): Promise<Proc> {
    await this.startBus();
    const port = await freePort();
    const log = join(this.tmp, `${name}.log`);
    const out = createWriteStream(log);
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), main], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), BUS_PREFIX: this.runId, ...this.busEnv(name === 'supervisor' ? 'supervisor' : `${name}-node`), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    const p: Proc = { name, child, port, url: `http://127.0.0.1:${port}`, log };
    this.procs.set(name, p);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}); log ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
      try {
        const r = await fetch(`${p.url}/health/ready`);
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) throw new Error(`${name} not ready after 90 s; log ${log}`);
      await sleep(200);
    }
    return p;
  }

  async startNode(agency: AgencyCode, opts: { nodeArgs?: string[]; logLevel?: string; env?: Record<string, string> } = {}): Promise<Proc> {
    const main = join(BUILD, 'apps', agency, 'src', 'main.js');
    return this.spawnApp(
      agency,
      main,
      {
        ...(await this.provisioned(agency, main)),
        JWT_SECRET: `bench-${this.runId}-${randomBytes(24).toString('hex')}`,
        DIRECTORY_PATH: this.directoryPath,
        KEYS_PATH: join(this.keysDir, agency, 'keys.json'),
        DIRECTORY_AUTHORITY_KEY: this.authorityKey,
        DEMO_USERS: 'true',
        LOG_LEVEL: opts.logLevel ?? process.env.BENCH_LOG_LEVEL ?? 'info',
        WEB_DIR: join(this.tmp, 'no-web'),
        NODE_OPTIONS: process.env.AGENCY_NODE_OPTIONS ?? '',
        // Experiments: settings of the agency nodes (JSON), e.g. {"OUTBOX_VACUUM_MS":"0"}.
        ...(process.env.BENCH_NODE_ENV ? (JSON.parse(process.env.BENCH_NODE_ENV) as Record<string, string>) : {}),
        ...this.nodeEnv,
        ...opts.env,
      },
      // Experiments: arguments of node for the agency nodes, e.g. V8 flags.
      { ...opts, nodeArgs: [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(opts.nodeArgs ?? [])] },
    );
  }

  async startSupervisor(): Promise<Proc> {
    const main = join(BUILD, 'apps', 'supervisor', 'src', 'main.js');
    return this.spawnApp('supervisor', main, {
      ...(await this.provisioned('supervisor', main)),
      JWT_SECRET: `bench-${this.runId}-${randomBytes(24).toString('hex')}`,
      DIRECTORY_PATH: this.directoryPath,
      DIRECTORY_AUTHORITY_KEY: this.authorityKey,
      DEMO_USERS: 'true',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      WEB_DIR: join(this.tmp, 'no-web'),
      NODE_OPTIONS: process.env.SUPERVISOR_NODE_OPTIONS ?? '',
    });
  }

  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.procs.get(name);
    if (!p) return;
    this.procs.delete(name);
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
    p.child.kill(signal);
    const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }

  async sql<T = any>(url: string, query: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(query, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async cleanup(): Promise<void> {
    for (const name of [...this.procs.keys()]) await this.stop(name).catch(() => undefined);
    // The run's own bus servers go with their streams; on the shared server the streams are deleted.
    await this.servers?.stop();
    this.servers = undefined;
    this.busStarted = false;
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const mine = this.bus === 'plain' ? this.names.allStreams().map((x) => x.name) : [];
      for (const s of [...mine, ...this.extraStreams]) await jsm.streams.delete(s).catch(() => undefined);
    } finally {
      await nc.close();
    }
    // BENCH_KEEP_DATABASES=1: keep the nodes' databases for a look after the run (drop them by hand).
    if (process.env.BENCH_KEEP_DATABASES === '1') return;
    for (const url of this.databases) await dropDatabase(url).catch(() => undefined);
    for (const r of this.roles) await dropProvisioned(PG_URL, r).catch(() => undefined);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export { freePort };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function exists(p: string): boolean {
  return existsSync(p);
}

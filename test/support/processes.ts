/**
 * Child processes for tests that crash things: the built apps (dist/apps/<app>/src/main.js) and
 * PRIVATE servers (redis-server, PostgreSQL; the bus: test/support/bus.ts) on free ports in temp dirs. Nothing here
 * ever touches the shared services on 5432/4222/6379: whatever a test kills or restarts is its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '@shekara/bus-topology';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { AgencyCode } from '@shekara/contracts';

const ROOT = resolve(__dirname, '..', '..');

/** A TCP port free on 127.0.0.1 right now. */
export { freePort };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls check() until truthy; throws with `what` and the last error after timeoutMs. */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(everyMs);
  }
}

/** The last lines of a log file (for failure messages). */
export function tail(path: string, lines = 40): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * One long-running child process with its output appended to a log file. start() may be called
 * again after the process died or was killed (a restart with the same command and environment).
 */
const LIVE = new Set<ChildProcess>();
// A test process that dies (timeout, ^C) takes its children with it.
process.once('exit', () => {
  for (const c of LIVE) c.kill('SIGKILL');
});

export class ChildServer {
  child?: ChildProcess;
  private exited?: Promise<void>;
  /** Every exit: code or signal, for assertions and diagnostics. */
  readonly exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> = [];

  constructor(
    readonly name: string,
    readonly command: string,
    readonly args: string[],
    readonly logPath: string,
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly cwd: string = ROOT,
  ) {}

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }

  spawn(): void {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    const fd = openSync(this.logPath, 'a');
    try {
      const child = spawn(this.command, this.args, { cwd: this.cwd, env: this.env, stdio: ['ignore', fd, fd] });
      this.child = child;
      LIVE.add(child);
      this.exited = new Promise((res) => child.once('exit', (code, signal) => (LIVE.delete(child), this.exits.push({ code, signal }), res())));
      child.once('error', () => undefined);
    } finally {
      closeSync(fd);
    }
  }

  /** Sends a signal (SIGKILL by default: a crash) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    const t = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(t);
  }

  /** Fails when the process exited (used while waiting for it to become ready). */
  assertAlive(): void {
    if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exits.at(-1))}); log ${this.logPath}:\n${tail(this.logPath)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The built apps

export type AppName = AgencyCode | 'supervisor' | 'scheduler';

export function appMain(app: AppName): string {
  const main = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (bash scripts/build.sh)`);
  return main;
}

/**
 * The built app's migration step (`main.js migrate`, docs/database-roles.md) with the two URLs it
 * alone is given (DATABASE_URL, DATABASE_MIGRATION_URL): resolves when it exited 0, rejects with its
 * output otherwise. Run before the app starts, as `npm run up` and docker-compose do.
 */
export function migrateApp(app: AppName, urls: { DATABASE_URL: string; DATABASE_MIGRATION_URL: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', appMain(app), 'migrate'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...urls },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${app} migrate exited ${code}: ${out.slice(-2000)}`))));
  });
}

/**
 * A built app as a child process on a fixed port (kept across restarts, so clients keep their URL).
 * ready() waits for `readyPath` to answer 200.
 */
export class AppProcess extends ChildServer {
  constructor(
    readonly app: AppName,
    readonly port: number,
    env: Record<string, string>,
    logPath: string,
    readonly readyPath = '/health/ready',
  ) {
    super(app, process.execPath, ['--enable-source-maps', appMain(app)], logPath, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), ...env });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 90_000): Promise<this> {
    this.spawn();
    await this.ready(timeoutMs);
    return this;
  }

  async ready(timeoutMs = 90_000): Promise<void> {
    await waitFor(
      async () => {
        this.assertAlive();
        const r = await fetch(this.url + this.readyPath, { signal: AbortSignal.timeout(3000) });
        return r.status === 200;
      },
      timeoutMs,
      `${this.app} on port ${this.port} to be ready (log ${this.logPath}:\n${tail(this.logPath, 15)})`,
      150,
    ).catch((e) => {
      if (/exited/.test((e as Error).message)) throw e;
      throw new Error(`${(e as Error).message}\n${tail(this.logPath)}`);
    });
  }

  /** kill -9, then start again with the same environment and port. */
  async crashAndRestart(downMs = 0): Promise<void> {
    await this.kill('SIGKILL');
    if (downMs) await sleep(downMs);
    await this.start();
  }
}

// ---------------------------------------------------------------------------------------------
// Private redis-server

/**
 * A redis-server of this test alone (no persistence) on a free port, so that FLUSHALL never
 * touches the shared Redis. stop() kills it.
 */
export class PrivateRedis {
  private server?: ChildServer;
  private dir?: string;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.dir = mkdtempSync(join(tmpdir(), 'shekara-redis-'));
    this.server = new ChildServer('redis-server', 'redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', this.dir], join(this.dir, 'redis.log'));
    this.server.spawn();
    await waitFor(async () => {
      this.server!.assertAlive();
      const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await r.connect();
        return (await r.ping()) === 'PONG';
      } finally {
        r.disconnect();
      }
    }, 10_000, `private redis-server on port ${this.port}`);
    return this;
  }

  async flushAll(): Promise<void> {
    const r = new Redis(this.url);
    try {
      await r.flushall();
    } finally {
      r.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.server?.kill('SIGTERM');
    this.server = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Private PostgreSQL

/** The bin dir of the newest PostgreSQL installed under /usr/lib/postgresql (or PG_BIN). */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql; set PG_BIN');
  return join(base, versions[0], 'bin');
}

/**
 * A PostgreSQL cluster of this test alone: initdb in a temp dir, a free port, trust auth for
 * 127.0.0.1, user "postgres". As root the server runs as the "postgres" OS user (runuser).
 * fsync is off: the tests crash processes, not the machine (the kernel keeps written pages).
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'shekara-pg-'));
  port = 0;
  private readonly bin = postgresBin();
  private readonly asRoot = process.getuid?.() === 0;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
  get dataDir(): string {
    return join(this.dir, 'data');
  }
  get logPath(): string {
    return join(this.dir, 'postgres.log');
  }

  private run(tool: string, args: string[], timeoutMs = 60_000): void {
    const cmd = join(this.bin, tool);
    const r = this.asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', timeout: timeoutMs })
      : spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}\n${tail(this.logPath)}`);
  }

  async init(): Promise<this> {
    this.port = await freePort();
    if (this.asRoot) {
      const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gw = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      chownSync(this.dir, Number(pw.stdout.trim()), Number(gw.stdout.trim()));
    }
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    if (this.asRoot) spawnSync('chown', ['postgres:', this.dataDir]);
    this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    return this;
  }

  async start(): Promise<void> {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c full_page_writes=off -c max_connections=100`;
    this.run('pg_ctl', ['-D', this.dataDir, '-l', this.logPath, '-w', '-t', '60', '-o', opts, 'start']);
  }

  /** mode immediate = a crash of the server (recovery at the next start); fast = a clean stop. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async destroy(): Promise<void> {
    try {
      await this.stop('immediate');
    } catch {
      /* not running */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Whether this run's dist/ was just built from the tree (`npm test` builds it, then sets
 * SHEKARA_TEST_BUILT=1): a test that recompiles what it runs, so that one file run alone runs the
 * current sources, skips it then; two test files rebuilding dist/ at once (two Jest workers) could
 * otherwise let a third start a process from a half-written file.
 */
export function builtForThisRun(): boolean {
  return process.env.SHEKARA_TEST_BUILT === '1';
}

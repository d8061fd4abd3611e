/**
 * Starts the provisioned hub and agency servers as child processes (tests, `npm run up`), waits
 * until every leaf link is up, and stops them. The servers run from the generated configs only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BusError, BusErrorCode } from './errors';
import type { ProvisionedBus } from './manifest';
import type { ServerEntry } from './manifest';

export interface LaunchOptions {
  /** The nats-server binary (Debian's by default). */
  binary?: string;
  /** How long to wait for every server and leaf link. */
  timeoutMs?: number;
}

export class BusServers {
  private readonly children = new Map<string, ChildProcess>();

  constructor(
    readonly bus: ProvisionedBus,
    private readonly binary = '/usr/sbin/nats-server',
  ) {}

  /** Starts every server (hub first) and waits for the links. */
  async start(timeoutMs = 20_000): Promise<void> {
    // A clustered hub's members start together (each waits for its routes to elect a JetStream leader).
    const hubs = this.bus.hubs();
    for (const hub of hubs) this.startOne(hub.name);
    for (const hub of hubs) await this.waitHealthy(hub, timeoutMs);
    for (const s of this.bus.manifest.servers.filter((x) => x.role === 'leaf')) this.startOne(s.name);
    for (const s of this.bus.manifest.servers.filter((x) => x.role === 'leaf')) await this.waitHealthy(s, timeoutMs);
    await this.waitLinks(timeoutMs);
  }

  /** Starts one server (again, after stop or kill). */
  startOne(name: string): void {
    const s = this.bus.server(name);
    // Still running? (A child killed by a signal keeps exitCode null: its signalCode says it ended.)
    const running = this.children.get(name);
    if (running && running.exitCode === null && running.signalCode === null) return;
    mkdirSync(this.bus.path(s.storeDir), { recursive: true });
    const log = this.bus.path(s.log);
    mkdirSync(dirname(log), { recursive: true });
    const fd = openSync(log, 'a');
    const child = spawn(this.binary, ['-c', this.bus.path(s.config)], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('error', () => undefined);
    this.children.set(name, child);
    LIVE.add(child);
    child.once('exit', () => LIVE.delete(child));
  }

  /** Stops one server (SIGTERM, or SIGKILL for crash tests). */
  async stopOne(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    const names = [...this.children.keys()].reverse();
    await Promise.all(names.map((n) => this.stopOne(n)));
  }

  /** Number of leaf links the hub has now (the monitoring endpoints of every hub process that answers). */
  async hubLeafLinks(): Promise<number> {
    let links = 0;
    for (const hub of this.bus.hubs()) {
      try {
        const r = await fetch(`http://${this.bus.topology.host}:${hub.monitorPort}/leafz`);
        links += ((await r.json()) as { leafnodes?: number }).leafnodes ?? 0;
      } catch {
        // A hub member that is down has no links; its leaves link to the others.
      }
    }
    return links;
  }

  /**
   * Waits until every agency leaf process is linked to the hub (at least as many links as leaf
   * processes: the link of a leaf killed with -9 may linger at the hub beside its successor's until
   * it times out).
   */
  async waitLinks(timeoutMs = 20_000): Promise<void> {
    const want = this.bus.manifest.servers.filter((s) => s.role === 'leaf').length;
    // On failure: the hub's log and each leaf's, where a refused or timed-out link shows.
    const logs = () => [this.bus.hub(), ...this.bus.manifest.servers.filter((s) => s.role === 'leaf')].map((s) => `--- ${s.name}\n${this.tail(s)}`).join('\n');
    await until(async () => (await this.hubLeafLinks()) >= want, timeoutMs, () => new BusError(BusErrorCode.ServerFailed, this.bus.hub().name, `leaf links not up (${want} wanted) within ${timeoutMs} ms:\n${logs()}`));
  }

  /** Whether a server process is running (started and not ended). */
  running(name: string): boolean {
    const c = this.children.get(name);
    return !!c && c.exitCode === null && c.signalCode === null;
  }

  /** Waits until a (restarted) process answers its health check. */
  async waitHealthyOne(name: string, timeoutMs = 20_000): Promise<void> {
    await this.waitHealthy(this.bus.server(name), timeoutMs);
  }

  private async waitHealthy(s: ServerEntry, timeoutMs: number): Promise<void> {
    await until(
      async () => {
        const child = this.children.get(s.name);
        if (child && child.exitCode !== null) throw new BusError(BusErrorCode.ServerFailed, s.name, `exited with ${child.exitCode}: ${this.tail(s)}`);
        const r = await fetch(`http://${this.bus.topology.host}:${s.monitorPort}/healthz`);
        return r.ok;
      },
      timeoutMs,
      () => new BusError(BusErrorCode.ServerFailed, s.name, `not healthy: ${this.tail(s)}`),
    );
  }

  private tail(s: ServerEntry): string {
    try {
      return readFileSync(this.bus.path(s.log), 'utf8').split('\n').slice(-8).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, fail: () => Error): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof BusError) throw e;
    }
    if (Date.now() > deadline) throw fail();
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Children die with the process that started them (a test timeout, ^C). */
const LIVE = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of LIVE) c.kill('SIGKILL');
});

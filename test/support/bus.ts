/**
 * The bus of a test file: config/bus.json provisioned with the test's own prefix and free ports into
 * a temp dir (once per TestSystem or harness), its hub and agency servers started from the generated
 * configs (libs/bus-topology BusServers), every service connecting as its own identity. Tests that
 * play another party (a forger, the scheduler) connect with that party's credentials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { BusServers, ProvisionedBus, Topology } from '@shekara/bus-topology';
import { connectBus, closeConnection, type BusSettings } from '@shekara/messaging';
import { freePortsTopology, provisionAndStart } from '../bus/support';

export class TestBus {
  /** The provisioning output (BUS_DIR of a child process); known before start(). */
  readonly dir = mkdtempSync(join(tmpdir(), 'shekara-testbus-'));
  private starting?: Promise<BusServers>;
  private servers?: BusServers;
  private readonly conns: NatsConnection[] = [];
  /** Edits the generated files before the servers start (a relay on a leaf link, a misconfiguration). */
  beforeStart?: (dir: string) => void;

  /** `topology`: config/bus.json with free ports by default; the prefix is always the test's. */
  constructor(
    readonly prefix: string,
    private readonly topology: Topology = freePortsTopology(),
  ) {}

  /** Provisions and starts the servers (once; later calls wait for the first). */
  async start(): Promise<this> {
    this.starting ??= provisionAndStart({ ...this.topology, prefix: this.prefix }, this.dir, this.beforeStart);
    this.servers = await this.starting;
    return this;
  }

  /** The running servers (stop or kill one, restart it, count the leaf links). */
  get started(): BusServers {
    if (!this.servers) throw new Error('the test bus is not started (await start() first)');
    return this.servers;
  }

  get bus(): ProvisionedBus {
    return this.started.bus;
  }

  /** A service's settings: connect as `identity` (e.g. `border-node`, `supervisor`, `scheduler`). */
  settings(identity: string): BusSettings {
    return { kind: 'provisioned', dir: this.dir, identity };
  }

  /** A test's own connection as `identity` (closed by stop()). */
  async connect(identity: string): Promise<NatsConnection> {
    await this.start();
    const { nc } = await connectBus(this.bus, identity, { persistent: false, name: `test-${identity}` });
    this.conns.push(nc);
    return nc;
  }

  async stop(): Promise<void> {
    for (const nc of this.conns.splice(0)) await closeConnection(nc, 2000);
    const servers = this.servers ?? (await this.starting?.catch(() => undefined));
    this.servers = undefined;
    this.starting = undefined;
    await servers?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Private bus servers for a test: config/bus.json with every port set to 0 (free ports), provisioned
 * into a temp dir, hub and agency leaves started from the generated configs, stopped afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BusServers, ProvisionedBus, loadTopology, provisionAndStart as startProvisioned, withFreePorts, type Topology } from '@shekara/bus-topology';

export const TOPOLOGY_FILE = resolve(__dirname, '..', '..', 'config', 'bus.json');

export function freePortsTopology(t: Topology = loadTopology(TOPOLOGY_FILE)): Topology {
  return withFreePorts(t);
}

/**
 * The topology with a clustered hub and/or clustered agency servers (`size` members each, free
 * route ports): what `"cluster": { "size": 3, "ports": { "routes": 0 } }` in the file gives.
 */
export function clusteredTopology(t: Topology, sizes: { hub?: number; agencies?: Partial<Record<string, number>> }): Topology {
  const c = (size: number | undefined) => (size ? { cluster: { size, ports: { routes: 0 } } } : {});
  return {
    ...t,
    hub: { ...t.hub, ...c(sizes.hub) },
    accounts: t.accounts.map((a) => (a.leaf && sizes.agencies?.[a.agency!] ? { ...a, leaf: { ...a.leaf, ...c(sizes.agencies[a.agency!]) } } : a)),
  };
}

export interface PrivateBus {
  dir: string;
  bus: ProvisionedBus;
  servers: BusServers;
  stop(): Promise<void>;
}

/**
 * Provisions `t` into `dir` and starts its servers, picking other free ports if one was taken
 * (the library's provisionAndStart). 45 s: two test files start buses at once on two cores (a
 * leaf's link came up after 20 s once).
 */
export function provisionAndStart(t: Topology, dir: string, patch?: (dir: string) => void | Promise<void>): Promise<BusServers> {
  return startProvisioned(t, dir, { timeoutMs: 45_000, patch });
}

/** `patch` may edit the generated files before the servers start (tests of misconfigurations). */
export async function startPrivateBus(t: Topology = freePortsTopology(), patch?: (dir: string) => void | Promise<void>): Promise<PrivateBus> {
  const dir = mkdtempSync(join(tmpdir(), 'shekara-bus-'));
  const servers = await provisionAndStart(t, dir, patch);
  const bus = servers.bus;
  return {
    dir,
    bus,
    servers,
    async stop() {
      await servers.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP relay standing for the network between a leaf server and the hub: cut() drops every
 * connection and refuses new ones (both servers keep running), restore() lets them through again.
 */
export class LinkRelay {
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private open = true;
  port = 0;

  constructor(private readonly target: () => number) {}

  async start(): Promise<number> {
    this.server = createServer((inbound) => {
      if (!this.open) return inbound.destroy();
      const outbound = connect(this.target(), '127.0.0.1');
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/**
 * Routes an agency's leaf link through a new LinkRelay (started here): set on a TestSystem's bus
 * before it starts. The agency's leaf remote dials the relay instead of the hub, and the hub
 * advertises the relay as its leafnode address (a leaf learns it from the hub's INFO and would
 * otherwise reconnect around the relay).
 */
export async function relayLeafLink(bus: { beforeStart?: (dir: string) => void }, agency: string): Promise<LinkRelay> {
  let hubLeafPort = 0;
  const relay = new LinkRelay(() => hubLeafPort);
  const relayPort = await relay.start();
  bus.beforeStart = (dir) => {
    hubLeafPort = ProvisionedBus.load(dir).hub().leafnodesPort!;
    const hubConf = join(dir, 'hub', 'hub.conf');
    const hub = readFileSync(hubConf, 'utf8');
    if (!hub.includes('\nleafnodes {\n')) throw new Error('hub.conf: no leafnodes block');
    writeFileSync(hubConf, hub.replace('\nleafnodes {\n', `\nleafnodes {\n  advertise: "127.0.0.1:${relayPort}"\n`));
    const conf = join(dir, agency, 'server.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(`:${hubLeafPort}"`, `:${relayPort}"`));
  };
  return relay;
}

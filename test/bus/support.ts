/**
 * Private bus servers for a test: config/bus.json with every port set to 0 (free ports), provisioned
 * into a temp dir, hub and agency leaves started from the generated configs, stopped afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BusServers, MANIFEST_FILE, ProvisionedBus, loadTopology, provision, type Topology } from '@shekara/bus-topology';

export const TOPOLOGY_FILE = resolve(__dirname, '..', '..', 'config', 'bus.json');

export function freePortsTopology(t: Topology = loadTopology(TOPOLOGY_FILE)): Topology {
  return {
    ...t,
    hub: { ...t.hub, ports: { client: 0, leafnodes: 0, monitor: 0 } },
    accounts: t.accounts.map((a) => (a.leaf ? { ...a, leaf: { ...a.leaf, ports: { client: 0, monitor: 0 } } } : a)),
  };
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
 * Provisions `t` into `dir` and starts its servers. Free ports are picked at provisioning and bound
 * only when the servers start: another process on this shared machine may take one in between. A
 * server that cannot bind its port ("address already in use") makes it provision again with other
 * free ports (same keys) and start again, up to three times. `patch` edits the generated files.
 */
export async function provisionAndStart(t: Topology, dir: string, patch?: (dir: string) => void): Promise<BusServers> {
  for (let attempt = 1; ; attempt++) {
    await provision({ topology: t, out: dir });
    patch?.(dir);
    const servers = new BusServers(ProvisionedBus.load(dir));
    try {
      // 45 s: two test files start buses at once on two cores (a leaf's link came up after 20 s once).
      await servers.start(45_000);
      return servers;
    } catch (e) {
      await servers.stop();
      if (attempt >= 3 || !/address already in use/.test((e as Error).message)) throw e;
      // Forget the picked ports (the manifest keeps them) and pick new ones.
      rmSync(join(dir, MANIFEST_FILE), { force: true });
    }
  }
}

/** `patch` may edit the generated files before the servers start (tests of misconfigurations). */
export async function startPrivateBus(t: Topology = freePortsTopology(), patch?: (dir: string) => void): Promise<PrivateBus> {
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

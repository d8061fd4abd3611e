/**
 * Private bus servers for a test: config/bus.json with every port set to 0 (free ports), provisioned
 * into a temp dir, hub and agency leaves started from the generated configs, stopped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BusServers, ProvisionedBus, loadTopology, provision, type Topology } from '@shekara/bus-topology';

export const TOPOLOGY_FILE = resolve(__dirname, '..', '..', 'config', 'bus.json');

export function freePortsTopology(t: Topology = loadTopology(TOPOLOGY_FILE)): Topology {
  return {
    ...t,
    hub: { ...t.hub, ports: { client: 0, leafnodes: 0, monitor: 0 } },
    accounts: t.accounts.map((a) => (a.leaf ? { ...a, leaf: { ...a.leaf, ports: { client: 0, monitor: 0 } } } : a)),
  };
}

export interface PrivateBus {
  dir: string;
  bus: ProvisionedBus;
  servers: BusServers;
  stop(): Promise<void>;
}

/** `patch` may edit the generated files before the servers start (tests of misconfigurations). */
export async function startPrivateBus(t: Topology = freePortsTopology(), patch?: (dir: string) => void): Promise<PrivateBus> {
  const dir = mkdtempSync(join(tmpdir(), 'shekara-bus-'));
  await provision({ topology: t, out: dir });
  patch?.(dir);
  const bus = ProvisionedBus.load(dir);
  const servers = new BusServers(bus);
  try {
    await servers.start();
  } catch (e) {
    await servers.stop();
    throw e;
  }
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

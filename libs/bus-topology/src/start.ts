import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BusServers } from './launcher';
import { MANIFEST_FILE, ProvisionedBus } from './manifest';
import { provision } from './provision';
import type { Topology } from './topology';

/** `t` with every client, leaf and monitor port 0: each server gets a port free at provisioning. */
export function withFreePorts(t: Topology): Topology {
  return {
    ...t,
    hub: { ...t.hub, ports: { client: 0, leafnodes: 0, monitor: 0 } },
    accounts: t.accounts.map((a) => (a.leaf ? { ...a, leaf: { ...a.leaf, ports: { client: 0, monitor: 0 } } } : a)),
  };
}

export interface ProvisionAndStartOptions {
  /** How long the servers may take to be up and linked (BusServers.start's default when absent). */
  timeoutMs?: number;
  /** Provisionings tried when a port is taken (3). */
  attempts?: number;
  /** Edits the generated files, or acts on them, before the servers start (tests); awaited. */
  patch?: (dir: string) => void | Promise<void>;
}

/**
 * Provisions `t` into `dir` and starts its servers. A free port is picked at provisioning and bound
 * only when its server starts: in between, another process may take it (a free port comes from the
 * ephemeral range, where every outgoing connection takes its local port). A server that cannot bind
 * its port ("address already in use") makes it provision again with other free ports (same keys)
 * and start again, up to `attempts` times.
 */
export async function provisionAndStart(t: Topology, dir: string, o: ProvisionAndStartOptions = {}): Promise<BusServers> {
  const attempts = o.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    await provision({ topology: t, out: dir });
    await o.patch?.(dir);
    const servers = new BusServers(ProvisionedBus.load(dir));
    try {
      await servers.start(o.timeoutMs);
      return servers;
    } catch (e) {
      await servers.stop();
      if (attempt >= attempts || !/address already in use/.test((e as Error).message)) throw e;
      // Forget the picked ports (the manifest keeps them) and pick new ones.
      rmSync(join(dir, MANIFEST_FILE), { force: true });
    }
  }
}

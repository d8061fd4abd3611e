/**
 * What provisioning produced (out/manifest.json): servers with their ports, domains and config
 * files, and every identity with its public key, where its seed lives and the inbox prefix it must
 * use. No secret is in it: the seeds and private keys are in the per-account secrets directories.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AccountKind, Topology } from './topology';
import { dialHost, parseTopology } from './topology';
import { BusError, BusErrorCode } from './errors';

export interface ServerEntry {
  /** The process's server name (a cluster member: `<server>-<i>`). */
  name: string;
  /** A cluster member: the server (cluster) it is one of; identities name the cluster. */
  cluster?: string;
  /** A cluster member: its route port (mutual TLS with the cluster's own route CA). */
  routesPort?: number;
  role: 'hub' | 'leaf';
  /** The account this leaf server links to the hub (leaf only). */
  account?: string;
  jetstreamDomain: string;
  clientPort: number;
  monitorPort: number;
  /** hub only */
  leafnodesPort?: number;
  /** Relative to the output directory. */
  config: string;
  storeDir: string;
  log: string;
}

export interface IdentityEntry {
  name: string;
  account: string;
  kind: AccountKind;
  /** The server the identity connects to (its agency's leaf, or the hub). */
  server: string;
  publicKey: string;
  /** Relative to the output directory; mode 0600 inside the account's secrets directory. */
  seedFile: string;
  /** Replies to this identity arrive under this prefix, which nobody else may subscribe to. */
  inboxPrefix: string;
  /** The JetStream domain this identity's streams live in (none for accounts without JetStream). */
  jetstreamDomain?: string;
}

export interface Manifest {
  version: 1;
  topology: Topology;
  /** CA certificate the clients verify the servers with (relative). */
  caFile: string;
  servers: ServerEntry[];
  identities: IdentityEntry[];
}

export const MANIFEST_FILE = 'manifest.json';

/** A provisioned output directory: the manifest plus absolute paths. */
export class ProvisionedBus {
  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
  ) {}

  static load(dir: string): ProvisionedBus {
    const file = join(dir, MANIFEST_FILE);
    if (!existsSync(file)) throw new BusError(BusErrorCode.NotProvisioned, dir, `${MANIFEST_FILE} is missing`);
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    } catch (e) {
      throw new BusError(BusErrorCode.NotJson, file, (e as Error).message);
    }
    parseTopology(m.topology);
    return new ProvisionedBus(dir, m);
  }

  path(rel: string): string {
    return isAbsolute(rel) ? rel : join(this.dir, rel);
  }

  get topology(): Topology {
    return this.manifest.topology;
  }

  identity(name: string): IdentityEntry {
    const i = this.manifest.identities.find((x) => x.name === name);
    if (!i) throw new BusError(BusErrorCode.UnknownIdentity, name);
    return i;
  }

  /** A server process by name; a cluster's name gives its first member. */
  server(name: string): ServerEntry {
    const s = this.manifest.servers.find((x) => x.name === name) ?? this.members(name)[0];
    if (!s) throw new BusError(BusErrorCode.UnknownReference, 'server', name);
    return s;
  }

  /** The processes of a server: the members of a cluster, or the one server of that name. */
  members(name: string): ServerEntry[] {
    const cluster = this.manifest.servers.filter((x) => x.cluster === name);
    if (cluster.length) return cluster;
    return this.manifest.servers.filter((x) => x.name === name);
  }

  /** The server (cluster) a process belongs to: what identities name. */
  groupOf(s: ServerEntry): string {
    return s.cluster ?? s.name;
  }

  /** The hub (its first member when clustered). */
  hub(): ServerEntry {
    return this.hubs()[0];
  }

  /** Every hub process. */
  hubs(): ServerEntry[] {
    return this.manifest.servers.filter((s) => s.role === 'hub');
  }

  /** The TLS client URL of a server process (a cluster's name: its first member). */
  url(server: string): string {
    const s = this.server(server);
    return `tls://${dialHost(this.topology, s.name)}:${s.clientPort}`;
  }

  /** The TLS client URLs of every process of a server (one, or every cluster member). */
  urls(server: string): string[] {
    const members = this.members(server);
    if (!members.length) throw new BusError(BusErrorCode.UnknownReference, 'server', server);
    return members.map((s) => `tls://${dialHost(this.topology, s.name)}:${s.clientPort}`);
  }

  /**
   * The replicas of the identity's own streams: as many as servers hold its JetStream domain (a
   * cluster's members), at most 3, unless `configured`; more than that is refused (JetStream could
   * not place them). Undefined for an identity whose account has no JetStream.
   */
  streamReplicas(identity: string, configured?: number): number | undefined {
    const id = this.identity(identity);
    if (!id.jetstreamDomain) return configured;
    const held = this.manifest.servers.filter((s) => s.jetstreamDomain === id.jetstreamDomain).length;
    if (configured !== undefined && configured > held) throw new BusError(BusErrorCode.ReplicasBeyondServers, identity, `${configured}|${held}`);
    return configured ?? Math.min(3, Math.max(1, held));
  }

  /** The identity's seed (throws a clear error when the file is not mounted here). */
  seed(identity: string): Uint8Array {
    const file = this.path(this.identity(identity).seedFile);
    try {
      return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
    } catch (e) {
      throw new BusError(BusErrorCode.NotProvisioned, identity, `seed ${file}: ${(e as Error).message}`);
    }
  }
}

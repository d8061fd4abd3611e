/**
 * The declarative bus topology (config/bus.json): the accounts, the identities (one per process),
 * who sends to whom and who may call which RPC. Everything the provisioning command generates and
 * the isolation matrix checks is derived from this one file. Validated field by field.
 */
import { readFileSync } from 'node:fs';
import { AGENCIES, BusNames, RpcMethod, isAgencyCode, type AgencyCode, type ConsumerSpec, type RpcTarget, type StreamSpec } from '@shekara/contracts';
import { BusError, BusErrorCode } from './errors';

export type AccountKind = 'agency' | 'ledger' | 'scheduler' | 'system';

export interface Ports {
  /** 0: a free port is picked at provisioning time (and kept on re-runs). */
  client: number;
  monitor: number;
}

/**
 * A clustered server: `size` nats-servers (named `<server>-1` … `<server>-<size>`) joined by routes
 * over mutual TLS, sharing the JetStream domain (streams replicated up to R<size>). A configured
 * port P of the server gives member i the port P + i - 1 (0: a free port per member); dialled by
 * name (containers), every member keeps P.
 */
export interface ClusterSpec {
  size: number;
  ports: { routes: number };
}

export interface HubSpec {
  server: string;
  jetstreamDomain: string;
  ports: Ports & { leafnodes: number };
  cluster?: ClusterSpec;
}

export interface LeafSpec {
  server: string;
  jetstreamDomain: string;
  ports: Ports;
  cluster?: ClusterSpec;
}

/** Cluster sizes the provisioning accepts (JetStream R3 needs 3; a quorum survives the loss of one of 3 or two of 5). */
export const CLUSTER_SIZE = { min: 2, max: 7 } as const;

export interface AccountSpec {
  name: string;
  kind: AccountKind;
  /** kind agency: the agency this account is. */
  agency?: AgencyCode;
  /** kind agency: its own server (leaf of the hub, own JetStream domain). Other kinds live on the hub. */
  leaf?: LeafSpec;
  /** Lower-case identity names, one per process that connects as this account. */
  identities: string[];
  /** kind agency: the agencies whose inboxes it may send envelopes to (as itself). */
  sendsTo?: AgencyCode[];
  /** kind ledger: the agencies whose audit batches it accepts (each only on its own subject). */
  auditFrom?: AgencyCode[];
}

export interface RpcGrant {
  /** The calling identity; its name is the `from.<caller>` token of the subject. */
  caller: string;
  target: RpcTarget;
  methods: RpcMethod[];
}

export interface JetStreamLimits {
  maxMemory: string;
  maxFile: string;
  maxStreams: number;
  maxConsumers: number;
}

export interface Topology {
  version: 1;
  prefix: string;
  /** The address clients and leaves dial (with dial "host"), and the default listen address. */
  host: string;
  /** The address the servers listen on (0.0.0.0 in containers); default: host. */
  listen?: string;
  /** "server-name": dial each server by its name (containers: service name = server name). */
  dial?: 'host' | 'server-name';
  hub: HubSpec;
  jetstreamLimits: JetStreamLimits;
  accounts: AccountSpec[];
  rpc: RpcGrant[];
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;
const ACCOUNT = /^[A-Z][A-Z0-9_]{0,30}$/;
const SIZE = /^[0-9]+[KMGT]?$/;

/** Reads and validates a topology file; every problem is a BusError naming the field. */
export function loadTopology(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BusError(BusErrorCode.FileUnreadable, path, (e as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BusError(BusErrorCode.NotJson, path, (e as Error).message);
  }
  return parseTopology(raw);
}

class Reader {
  constructor(
    readonly path: string,
    readonly v: Record<string, unknown>,
  ) {}

  static object(path: string, v: unknown): Reader {
    if (v === undefined) throw new BusError(BusErrorCode.Missing, path);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BusError(BusErrorCode.WrongType, path, 'an object');
    return new Reader(path, v as Record<string, unknown>);
  }

  only(...keys: string[]): this {
    for (const k of Object.keys(this.v)) if (!keys.includes(k)) throw new BusError(BusErrorCode.UnknownField, `${this.path}.${k}`);
    return this;
  }

  has(key: string): boolean {
    return this.v[key] !== undefined;
  }

  string(key: string, pattern: RegExp, what: string): string {
    const v = this.v[key];
    const p = `${this.path}.${key}`;
    if (v === undefined) throw new BusError(BusErrorCode.Missing, p);
    if (typeof v !== 'string') throw new BusError(BusErrorCode.WrongType, p, 'a string');
    if (!pattern.test(v)) throw new BusError(BusErrorCode.BadValue, p, `${JSON.stringify(v)} is not ${what}`);
    return v;
  }

  int(key: string, min: number, max: number): number {
    const v = this.v[key];
    const p = `${this.path}.${key}`;
    if (v === undefined) throw new BusError(BusErrorCode.Missing, p);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new BusError(BusErrorCode.WrongType, p, 'an integer');
    if (v < min || v > max) throw new BusError(BusErrorCode.BadValue, p, `${v} is outside ${min}..${max}`);
    return v;
  }

  array(key: string): unknown[] {
    const v = this.v[key];
    const p = `${this.path}.${key}`;
    if (v === undefined) throw new BusError(BusErrorCode.Missing, p);
    if (!Array.isArray(v)) throw new BusError(BusErrorCode.WrongType, p, 'an array');
    return v;
  }

  agencies(key: string): AgencyCode[] {
    const out = this.array(key).map((a, i) => {
      const p = `${this.path}.${key}[${i}]`;
      if (typeof a !== 'string') throw new BusError(BusErrorCode.WrongType, p, 'a string');
      if (!isAgencyCode(a)) throw new BusError(BusErrorCode.BadValue, p, `${JSON.stringify(a)} is not one of ${AGENCIES.join(', ')}`);
      return a;
    });
    dupes(`${this.path}.${key}`, out);
    return out;
  }
}

function dupes(path: string, values: string[]): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) throw new BusError(BusErrorCode.Duplicate, `${path}[${i}]`, v);
    seen.add(v);
  });
}

function ports(r: Reader, withLeafnodes: boolean): Ports & { leafnodes: number } {
  const p = Reader.object(`${r.path}.ports`, r.v.ports).only('client', 'monitor', ...(withLeafnodes ? ['leafnodes'] : []));
  return { client: p.int('client', 0, 65535), monitor: p.int('monitor', 0, 65535), leafnodes: withLeafnodes ? p.int('leafnodes', 0, 65535) : 0 };
}

function cluster(r: Reader, p: Ports & { leafnodes: number }): ClusterSpec | undefined {
  if (!r.has('cluster')) return undefined;
  const c = Reader.object(`${r.path}.cluster`, r.v.cluster).only('size', 'ports');
  const size = c.int('size', CLUSTER_SIZE.min, CLUSTER_SIZE.max);
  const cp = Reader.object(`${c.path}.ports`, c.v.ports).only('routes');
  const routes = cp.int('routes', 0, 65535);
  // Member i listens on the configured port + i - 1: every one must stay a port.
  for (const [key, port] of [['client', p.client], ['monitor', p.monitor], ['leafnodes', p.leafnodes]] as const) {
    if (port + size - 1 > 65535) throw new BusError(BusErrorCode.BadValue, `${r.path}.ports.${key}`, `${port} + ${size - 1} cluster members is beyond 65535`);
  }
  if (routes + size - 1 > 65535) throw new BusError(BusErrorCode.BadValue, `${c.path}.ports.routes`, `${routes} + ${size - 1} cluster members is beyond 65535`);
  return { size, ports: { routes } };
}

/** The names of a server's processes: itself, or `<server>-1` … `<server>-<size>` when clustered. */
export function memberNames(server: string, c: ClusterSpec | undefined): string[] {
  return c ? Array.from({ length: c.size }, (_, i) => `${server}-${i + 1}`) : [server];
}

/** Validates a parsed topology document. */
export function parseTopology(raw: unknown): Topology {
  const t = Reader.object('topology', raw).only('$comment', 'version', 'prefix', 'host', 'listen', 'dial', 'hub', 'jetstreamLimits', 'accounts', 'rpc');
  if (t.v.version !== 1) throw new BusError(BusErrorCode.BadValue, 'topology.version', 'only version 1 is known');
  const prefix = t.string('prefix', /^[a-z][a-z0-9_-]*$/, 'a bus prefix (lower-case letters, digits, - and _)');
  const host = t.string('host', /^[A-Za-z0-9.-]+$/, 'a host name or IPv4 address');
  const listen = t.has('listen') ? t.string('listen', /^[A-Za-z0-9.-]+$/, 'a host name or IPv4 address') : undefined;
  const dial = t.has('dial') ? (t.string('dial', /^(host|server-name)$/, 'host or server-name') as 'host' | 'server-name') : undefined;

  const h = Reader.object('topology.hub', t.v.hub).only('server', 'jetstreamDomain', 'ports', 'cluster');
  const hubPorts = ports(h, true);
  const hubCluster = cluster(h, hubPorts);
  const hub: HubSpec = { server: h.string('server', NAME, 'a server name'), jetstreamDomain: h.string('jetstreamDomain', NAME, 'a JetStream domain'), ports: hubPorts, ...(hubCluster ? { cluster: hubCluster } : {}) };

  const l = Reader.object('topology.jetstreamLimits', t.v.jetstreamLimits).only('maxMemory', 'maxFile', 'maxStreams', 'maxConsumers');
  const jetstreamLimits: JetStreamLimits = {
    maxMemory: l.string('maxMemory', SIZE, 'a size such as 256M'),
    maxFile: l.string('maxFile', SIZE, 'a size such as 10G'),
    maxStreams: l.int('maxStreams', 1, 10_000),
    maxConsumers: l.int('maxConsumers', 1, 100_000),
  };

  const accounts = t.array('accounts').map((a, i) => parseAccount(`topology.accounts[${i}]`, a));
  dupes('topology.accounts[].name', accounts.map((a) => a.name));
  const identities = accounts.flatMap((a) => a.identities);
  dupes('topology.accounts[].identities', identities);
  const servers = [hub.server, ...accounts.flatMap((a) => (a.leaf ? [a.leaf.server] : []))];
  dupes('topology servers', servers);
  // Member names (`<server>-<i>`) must not collide with another server or member either.
  dupes('topology server processes', [...memberNames(hub.server, hub.cluster), ...accounts.flatMap((a) => (a.leaf ? memberNames(a.leaf.server, a.leaf.cluster) : []))]);
  dupes('topology JetStream domains', [hub.jetstreamDomain, ...accounts.flatMap((a) => (a.leaf ? [a.leaf.jetstreamDomain] : []))]);
  // Configured ports (0 is picked later) of every process, cluster members' included, are distinct
  // when they share a host (dialled by name, each server is a host of its own: a container).
  const configured = (p: Ports & { leafnodes?: number }, c: ClusterSpec | undefined) =>
    memberNames('', c).flatMap((_, i) => [p.client, p.monitor, p.leafnodes ?? 0, c?.ports.routes ?? 0].filter((x) => x !== 0).map((x) => String(x + i)));
  if (dial !== 'server-name') dupes('topology ports', [...configured(hub.ports, hub.cluster), ...accounts.flatMap((a) => (a.leaf ? configured(a.leaf.ports, a.leaf.cluster) : []))]);
  const agencyAccounts = accounts.filter((a) => a.kind === 'agency');
  dupes('topology.accounts[].agency', agencyAccounts.map((a) => a.agency!));
  for (const [kind, n] of [['ledger', 1], ['scheduler', 1], ['system', 1]] as const) {
    const count = accounts.filter((a) => a.kind === kind).length;
    if (count !== n) throw new BusError(BusErrorCode.BadValue, 'topology.accounts', `exactly ${n} account of kind ${kind} is needed, found ${count}`);
  }
  const known = new Set(agencyAccounts.map((a) => a.agency!));
  accounts.forEach((a, i) => {
    for (const [key, list] of [['sendsTo', a.sendsTo], ['auditFrom', a.auditFrom]] as const) {
      (list ?? []).forEach((ag, j) => {
        if (!known.has(ag)) throw new BusError(BusErrorCode.UnknownReference, `topology.accounts[${i}].${key}[${j}]`, `agency ${ag}`);
        if (key === 'sendsTo' && ag === a.agency) throw new BusError(BusErrorCode.BadValue, `topology.accounts[${i}].sendsTo[${j}]`, 'an agency does not send to itself');
      });
    }
  });

  const rpc = t.array('rpc').map((g, i) => {
    const p = `topology.rpc[${i}]`;
    const r = Reader.object(p, g).only('caller', 'target', 'methods');
    const caller = r.string('caller', NAME, 'an identity name');
    if (!identities.includes(caller)) throw new BusError(BusErrorCode.UnknownReference, `${p}.caller`, `identity ${caller}`);
    const target = r.string('target', /^[a-z]+$/, 'an agency code or "supervisor"');
    if (target !== 'supervisor' && !(isAgencyCode(target) && known.has(target))) throw new BusError(BusErrorCode.UnknownReference, `${p}.target`, `target ${target}`);
    const methods = r.array('methods').map((m, j) => {
      if (!(Object.values(RpcMethod) as unknown[]).includes(m)) throw new BusError(BusErrorCode.BadValue, `${p}.methods[${j}]`, `${JSON.stringify(m)} is not one of ${Object.values(RpcMethod).join(', ')}`);
      return m as RpcMethod;
    });
    dupes(`${p}.methods`, methods);
    const callerAccount = accounts.find((a) => a.identities.includes(caller))!;
    const targetAccount = target === 'supervisor' ? accounts.find((a) => a.kind === 'ledger')! : agencyAccounts.find((a) => a.agency === target)!;
    if (callerAccount === targetAccount) throw new BusError(BusErrorCode.BadValue, `${p}.caller`, 'caller and target are in the same account');
    return { caller, target: target as RpcTarget, methods };
  });
  dupes('topology.rpc', rpc.map((g) => `${g.caller}->${g.target}`));
  return { version: 1, prefix, host, ...(listen ? { listen } : {}), ...(dial ? { dial } : {}), hub, jetstreamLimits, accounts, rpc };
}

function parseAccount(path: string, raw: unknown): AccountSpec {
  const a = Reader.object(path, raw);
  const kind = a.string('kind', /^(agency|ledger|scheduler|system)$/, 'one of agency, ledger, scheduler, system') as AccountKind;
  const name = a.string('name', ACCOUNT, 'an account name (upper-case letters, digits, _)');
  if (name === '$G' || name === '$SYS') throw new BusError(BusErrorCode.BadValue, `${path}.name`, 'reserved account name');
  const identities = a.array('identities').map((x, i) => {
    const p = `${path}.identities[${i}]`;
    if (typeof x !== 'string') throw new BusError(BusErrorCode.WrongType, p, 'a string');
    if (!NAME.test(x)) throw new BusError(BusErrorCode.BadValue, p, `${JSON.stringify(x)} is not an identity name (lower-case letters, digits, -)`);
    return x;
  });
  if (identities.length === 0) throw new BusError(BusErrorCode.BadValue, `${path}.identities`, 'at least one identity is needed');
  if (kind === 'agency') {
    a.only('name', 'kind', 'agency', 'leaf', 'identities', 'sendsTo');
    const agency = a.string('agency', /^[a-z]+$/, 'an agency code');
    if (!isAgencyCode(agency)) throw new BusError(BusErrorCode.BadValue, `${path}.agency`, `${JSON.stringify(agency)} is not one of ${AGENCIES.join(', ')}`);
    const l = Reader.object(`${path}.leaf`, a.v.leaf).only('server', 'jetstreamDomain', 'ports', 'cluster');
    const lp = ports(l, false);
    const { client, monitor } = lp;
    const c = cluster(l, lp);
    const leaf: LeafSpec = { server: l.string('server', NAME, 'a server name'), jetstreamDomain: l.string('jetstreamDomain', NAME, 'a JetStream domain'), ports: { client, monitor }, ...(c ? { cluster: c } : {}) };
    return { name, kind, agency, leaf, identities, sendsTo: a.agencies('sendsTo') };
  }
  if (kind === 'ledger') {
    a.only('name', 'kind', 'identities', 'auditFrom');
    return { name, kind, identities, auditFrom: a.agencies('auditFrom') };
  }
  a.only('name', 'kind', 'identities');
  return { name, kind, identities };
}

/** The address to dial a server at. */
export function dialHost(t: Topology, server: string): string {
  return t.dial === 'server-name' ? server : t.host;
}

/** The account an identity belongs to. */
export function accountOf(t: Topology, identity: string): AccountSpec | undefined {
  return t.accounts.find((a) => a.identities.includes(identity));
}

/** The account answering RPCs for a target. */
export function targetAccount(t: Topology, target: RpcTarget): AccountSpec {
  const a = target === 'supervisor' ? t.accounts.find((x) => x.kind === 'ledger') : t.accounts.find((x) => x.agency === target);
  if (!a) throw new BusError(BusErrorCode.UnknownReference, 'rpc target', target);
  return a;
}

/** The JetStream an account owns: its streams and durable consumers, in its own domain. */
export interface OwnJetStream {
  account: string;
  /** The identity that creates them (the account's first identity: its node, or the supervisor). */
  owner: string;
  domain: string;
  streams: StreamSpec[];
  consumers: ConsumerSpec[];
}

/**
 * Every account's own streams: an agency its inbox (every sender's subject) and its dead letters,
 * in its leaf's domain; the ledger the audit stream, in the hub's domain. Nobody else has any.
 */
export function ownJetStreams(t: Topology): OwnJetStream[] {
  const names = new BusNames(t.prefix);
  const out: OwnJetStream[] = [];
  for (const a of t.accounts) {
    if (a.kind === 'agency') {
      const ag = a.agency!;
      out.push({ account: a.name, owner: a.identities[0], domain: a.leaf!.jetstreamDomain, streams: [names.inboxFromStream(ag), names.ownDeadLetterStream(ag)], consumers: [names.inboxFromConsumer(ag), names.ownDeadLetterConsumer(ag)] });
    }
    if (a.kind === 'ledger') out.push({ account: a.name, owner: a.identities[0], domain: t.hub.jetstreamDomain, streams: [names.auditStream()], consumers: [names.auditConsumer()] });
  }
  return out;
}

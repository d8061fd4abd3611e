/**
 * `shekara bus provision`: from a topology, generates into one output directory
 *   ca/ca.pem, ca-private/ca.key          the development CA (key 0600, the operator's only)
 *   hub/hub.conf, hub/tls/*, hub/store/   the hub: every account, exports/imports, leafnodes over mTLS
 *   <account>/secrets/<identity>.nk       one nkey seed per identity (0600; one directory per account,
 *                                         so each agency's secrets can be mounted into its containers only)
 *   <agency>/server.conf, tls/*, store/   each agency's leaf server (own JetStream domain and store)
 *   manifest.json                         ports, domains, public keys, where each seed is (no secrets)
 * Idempotent: existing keys, certificates and picked ports are kept unless `rotate`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { BusNames, type AgencyCode } from '@shekara/contracts';
import { BusError, BusErrorCode } from './errors';
import { MANIFEST_FILE, type IdentityEntry, type Manifest, type ServerEntry } from './manifest';
import { accountOf, dialHost, memberNames, targetAccount, type AccountSpec, type ClusterSpec, type Topology } from './topology';

export interface ProvisionOptions {
  topology: Topology;
  out: string;
  /** Replace every key and certificate (new seeds, new CA). */
  rotate?: boolean;
  /** Where the output directory is seen by the servers (a container mount such as /bus); default: out. */
  pathsRoot?: string;
}

export interface ProvisionResult {
  manifest: Manifest;
  /** Files written or replaced this run (relative), for the command's report. */
  written: string[];
}

/** A TCP port free on the host right now. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export function accountDir(a: AccountSpec): string {
  return a.kind === 'agency' ? a.agency! : a.name.toLowerCase();
}

/** The inbox prefix of an identity: its replies, which no other identity may subscribe to. */
export function inboxPrefixOf(identity: string): string {
  return `_INBOX_${identity}`;
}

export async function provision(opts: ProvisionOptions): Promise<ProvisionResult> {
  const { topology: t, out } = opts;
  const rotate = opts.rotate ?? false;
  const written: string[] = [];
  const names = new BusNames(t.prefix);
  mkdirSync(out, { recursive: true });
  const previous = readPrevious(out);
  const write = (rel: string, content: string, mode = 0o644) => {
    const file = join(out, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    if (before !== content) {
      writeFileSync(file, content, { mode });
      written.push(rel);
    }
    chmodSync(file, mode);
  };
  const secretDir = (rel: string) => {
    mkdirSync(join(out, rel), { recursive: true, mode: 0o700 });
    chmodSync(join(out, rel), 0o700);
  };

  // The development CA and one certificate per server (server and client use: leaves present theirs to the hub).
  // ca/ holds only the certificate (mounted everywhere); the key is the operator's, never mounted.
  mkdirSync(join(out, 'ca'), { recursive: true });
  chmodSync(join(out, 'ca'), 0o755);
  secretDir('ca-private');
  const caKey = 'ca-private/ca.key';
  const caPem = 'ca/ca.pem';
  const newCa = rotate || !existsSync(join(out, caKey)) || !existsSync(join(out, caPem));
  if (newCa) {
    openssl(out, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey, '-out', caPem, '-days', '825', '-subj', '/CN=Shekara development CA']);
    chmodSync(join(out, caKey), 0o600);
    written.push(caPem, caKey);
  }
  // A certificate signed by a CA (the development CA, or a cluster's route CA): server and client use.
  const issue = (dir: string, base: string, cn: string, ca: { pem: string; key: string }, renew: boolean) => {
    secretDir(`${dir}/tls`);
    const key = `${dir}/tls/${base}.key`;
    const pem = `${dir}/tls/${base}.pem`;
    if (!renew && existsSync(join(out, key)) && existsSync(join(out, pem))) return { key, pem };
    const csr = `${dir}/tls/${base}.csr`;
    const ext = `${dir}/tls/${base}.ext`;
    openssl(out, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
    const ip = t.host === '127.0.0.1' ? '' : /^[0-9.]+$/.test(t.host) ? `,IP:${t.host}` : `,DNS:${t.host}`;
    writeFileSync(join(out, ext), `subjectAltName=DNS:${cn},DNS:localhost,IP:127.0.0.1${ip}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
    openssl(out, ['x509', '-req', '-in', csr, '-CA', ca.pem, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(12).toString('hex')}`, '-out', pem, '-days', '397', '-extfile', ext]);
    chmodSync(join(out, key), 0o600);
    rmSync(join(out, csr), { force: true });
    rmSync(join(out, ext), { force: true });
    written.push(pem, key);
    return { key, pem };
  };
  const cert = (dir: string, server: string, base = 'server') => issue(dir, base, server, { pem: caPem, key: caKey }, newCa);
  /**
   * A cluster's own route CA: only its members hold certificates signed by it, so no other server
   * of the bus (an agency's, whose certificate the development CA signed) can open a route into it.
   */
  const routeCa = (dir: string) => {
    const pem = `${dir}/tls/routes-ca.pem`;
    const key = `ca-private/${dir}-routes.key`;
    const renew = rotate || !existsSync(join(out, key)) || !existsSync(join(out, pem));
    if (renew) {
      secretDir(`${dir}/tls`);
      openssl(out, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', pem, '-days', '825', '-subj', `/CN=Shekara routes of ${dir}`]);
      chmodSync(join(out, key), 0o600);
      written.push(pem, key);
    }
    return { pem, key, renew };
  };

  // One nkey per identity, kept across runs.
  const identities: IdentityEntry[] = [];
  for (const a of t.accounts) {
    const dir = accountDir(a);
    secretDir(`${dir}/secrets`);
    for (const name of a.identities) {
      const seedFile = `${dir}/secrets/${name}.nk`;
      const abs = join(out, seedFile);
      let seed: string;
      if (!rotate && existsSync(abs)) {
        seed = readFileSync(abs, 'utf8').trim();
      } else {
        seed = new TextDecoder().decode(createUser().getSeed());
        writeFileSync(abs, seed + '\n', { mode: 0o600 });
        written.push(seedFile);
      }
      chmodSync(abs, 0o600);
      const publicKey = fromSeed(new TextEncoder().encode(seed)).getPublicKey();
      identities.push({
        name,
        account: a.name,
        kind: a.kind,
        server: a.leaf ? a.leaf.server : t.hub.server,
        publicKey,
        seedFile,
        inboxPrefix: inboxPrefixOf(name),
        jetstreamDomain: a.leaf ? a.leaf.jetstreamDomain : a.kind === 'ledger' ? t.hub.jetstreamDomain : undefined,
      });
    }
  }

  // Ports: configured, else the one picked last time, else a free one now.
  const port = async (server: string, key: 'clientPort' | 'monitorPort' | 'leafnodesPort' | 'routesPort', configured: number, member = 0) => {
    // Member i: the configured port + i - 1 on one host; in containers (dialled by name) each member is a host of its own.
    if (configured !== 0) return configured + (t.dial === 'server-name' ? 0 : member);
    const prev = previous?.servers.find((s) => s.name === server)?.[key];
    return prev ?? (await freePort(t.listen ?? t.host));
  };
  const servers: ServerEntry[] = [];
  const files = new Map<string, ServerFiles>();
  // One process per server, or one per cluster member (`<server>-<i>`, ports configured + i - 1).
  const addServer = async (dir: string, server: string, cluster: ClusterSpec | undefined, entry: (name: string, i: number) => Promise<Omit<ServerEntry, 'config' | 'storeDir' | 'log'>>, single: { config: string; storeDir: string; log: string }) => {
    const rca = cluster ? routeCa(dir) : undefined;
    const members = memberNames(server, cluster);
    for (const [i, name] of members.entries()) {
      const paths = cluster ? { config: `${dir}/${name}.conf`, storeDir: `${dir}/store/${name}`, log: `${dir}/${name}.log` } : single;
      const e: ServerEntry = { ...(await entry(name, i)), ...paths };
      if (cluster) {
        e.cluster = server;
        e.routesPort = await port(name, 'routesPort', cluster.ports.routes, i);
      }
      servers.push(e);
      files.set(name, {
        tls: cert(dir, name, cluster ? name : 'server'),
        ...(rca ? { route: { ...issue(dir, `${name}-route`, name, rca, rca.renew), ca: rca.pem } } : {}),
      });
    }
  };
  await addServer('hub', t.hub.server, t.hub.cluster, async (name, i) => ({
    name,
    role: 'hub',
    jetstreamDomain: t.hub.jetstreamDomain,
    clientPort: await port(name, 'clientPort', t.hub.ports.client, i),
    monitorPort: await port(name, 'monitorPort', t.hub.ports.monitor, i),
    leafnodesPort: await port(name, 'leafnodesPort', t.hub.ports.leafnodes, i),
  }), { config: 'hub/hub.conf', storeDir: 'hub/store', log: 'hub/hub.log' });
  for (const a of t.accounts) {
    if (!a.leaf) continue;
    const dir = accountDir(a);
    const leaf = a.leaf;
    await addServer(dir, leaf.server, leaf.cluster, async (name, i) => ({
      name,
      role: 'leaf',
      account: a.name,
      jetstreamDomain: leaf.jetstreamDomain,
      clientPort: await port(name, 'clientPort', leaf.ports.client, i),
      monitorPort: await port(name, 'monitorPort', leaf.ports.monitor, i),
    }), { config: `${dir}/server.conf`, storeDir: `${dir}/store`, log: `${dir}/server.log` });
  }
  const manifest: Manifest = { version: 1, topology: t, caFile: caPem, servers, identities };
  const abs = (rel: string) => join(opts.pathsRoot ?? resolve(out), rel);
  const hubs = servers.filter((s) => s.role === 'hub');
  const absFiles = (s: ServerEntry): Files => {
    const f = files.get(s.name)!;
    return {
      ca: abs(caPem),
      cert: abs(f.tls.pem),
      key: abs(f.tls.key),
      store: abs(s.storeDir),
      ...(f.route ? { route: { ca: abs(f.route.ca), cert: abs(f.route.pem), key: abs(f.route.key) } } : {}),
    };
  };

  for (const s of hubs) write(s.config, renderHub(t, names, manifest, s, absFiles(s)), 0o600);
  for (const s of servers.filter((x) => x.role === 'leaf')) {
    const a = t.accounts.find((x) => x.name === s.account)!;
    write(s.config, renderLeaf(t, names, manifest, a, s, { ...absFiles(s), hubLeafUrls: hubs.map((h) => `tls://${dialHost(t, h.name)}:${h.leafnodesPort!}`) }), 0o600);
  }
  write(MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n');
  return { manifest, written: written.map((w) => relative(out, join(out, w))) };
}

function readPrevious(out: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function openssl(cwd: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new BusError(BusErrorCode.ToolFailed, 'openssl', r.error.message);
  if (r.status !== 0) throw new BusError(BusErrorCode.ToolFailed, `openssl ${args[0]}`, r.stderr.trim().split('\n').slice(-3).join(' '));
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;

/** What one identity may publish and subscribe to (user permissions inside its account). */
export function permissionsOf(t: Topology, names: BusNames, identity: string): { publish: string[]; subscribe: string[]; responses: boolean } {
  const a = accountOf(t, identity)!;
  const inbox = `${inboxPrefixOf(identity)}.>`;
  const rpcCalls = t.rpc.filter((g) => g.caller === identity).flatMap((g) => g.methods.map((m) => names.rpcFrom(g.target, identity, m)));
  switch (a.kind) {
    case 'agency': {
      const me = a.agency!;
      const domain = a.leaf!.jetstreamDomain;
      return {
        publish: [
          ...(a.sendsTo ?? []).map((to) => names.inboxFrom(to, me)),
          // Witnessing of the transparency logs: each agency it sends to cosigns its checkpoints.
          ...(a.sendsTo ?? []).map((to) => names.witnessFrom(to, identity)),
          names.auditSubjects(me),
          names.deadLetterSubject(me),
          '$JS.API.>',
          `$JS.${domain}.API.>`,
          '$JS.ACK.>',
          ...rpcCalls,
        ],
        subscribe: [names.rpcHandlerSubject(me), inbox],
        responses: true,
      };
    }
    case 'ledger':
      return {
        publish: ['$JS.API.>', `$JS.${t.hub.jetstreamDomain}.API.>`, '$JS.ACK.>', ...rpcCalls],
        subscribe: [names.rpcHandlerSubject('supervisor'), inbox],
        responses: true,
      };
    case 'scheduler':
      return { publish: rpcCalls, subscribe: [inbox], responses: false };
    case 'system':
      return { publish: ['$SYS.REQ.>'], subscribe: ['$SYS.>', inbox], responses: false };
  }
}

function users(t: Topology, names: BusNames, m: Manifest, a: AccountSpec): string {
  const rows = a.identities.map((id) => {
    const p = permissionsOf(t, names, id);
    const pk = m.identities.find((i) => i.name === id)!.publicKey;
    const pub = p.publish.length ? `publish: { allow: ${list(p.publish)} }` : `publish: { deny: [">"] }`;
    return `      # ${id}\n      { nkey: ${q(pk)}, permissions: { ${pub}, subscribe: { allow: ${list(p.subscribe)} }${p.responses ? ', allow_responses: true' : ''} } }`;
  });
  return `    users: [\n${rows.join('\n')}\n    ]`;
}

function jsLimits(t: Topology): string {
  const l = t.jetstreamLimits;
  return `    jetstream: { max_mem: ${l.maxMemory}, max_file: ${l.maxFile}, max_streams: ${l.maxStreams}, max_consumers: ${l.maxConsumers} }`;
}

/** Exports and imports of one account on the hub (the service exports name the importing account). */
function exportsImports(t: Topology, names: BusNames, a: AccountSpec): string[] {
  const exp: string[] = [];
  const imp: string[] = [];
  const ledger = t.accounts.find((x) => x.kind === 'ledger')!;
  if (a.kind === 'agency') {
    const me = a.agency!;
    for (const s of t.accounts.filter((x) => x.kind === 'agency' && x.sendsTo!.includes(me))) {
      exp.push(`{ service: ${q(names.inboxFrom(me, s.agency!))}, accounts: [${s.name}] }`);
      for (const id of s.identities) exp.push(`{ service: ${q(names.witnessFrom(me, id))}, accounts: [${s.name}] }`);
    }
    for (const to of a.sendsTo!) {
      const dest = t.accounts.find((x) => x.agency === to)!;
      imp.push(`{ service: { account: ${dest.name}, subject: ${q(names.inboxFrom(to, me))} } }`);
      for (const id of a.identities) imp.push(`{ service: { account: ${dest.name}, subject: ${q(names.witnessFrom(to, id))} } }`);
    }
    if (ledger.auditFrom!.includes(me)) imp.push(`{ service: { account: ${ledger.name}, subject: ${q(names.auditSubjects(me))} } }`);
  }
  if (a.kind === 'ledger') {
    for (const ag of a.auditFrom!) {
      const src = t.accounts.find((x) => x.agency === ag)!;
      exp.push(`{ service: ${q(names.auditSubjects(ag))}, accounts: [${src.name}] }`);
    }
  }
  for (const g of t.rpc) {
    const caller = accountOf(t, g.caller)!;
    const target = targetAccount(t, g.target);
    for (const m of g.methods) {
      const subject = names.rpcFrom(g.target, g.caller, m);
      if (target === a) exp.push(`{ service: ${q(subject)}, accounts: [${caller.name}] }`);
      if (caller === a) imp.push(`{ service: { account: ${target.name}, subject: ${q(subject)} } }`);
    }
  }
  const out: string[] = [];
  if (exp.length) out.push(`    exports: [\n${exp.map((e) => `      ${e}`).join('\n')}\n    ]`);
  if (imp.length) out.push(`    imports: [\n${imp.map((e) => `      ${e}`).join('\n')}\n    ]`);
  return out;
}

interface ServerFiles {
  tls: { key: string; pem: string };
  /** A cluster member's route certificate and its cluster's route CA. */
  route?: { key: string; pem: string; ca: string };
}

interface Files {
  ca: string;
  cert: string;
  key: string;
  store: string;
  route?: { ca: string; cert: string; key: string };
}

/**
 * The routes of a cluster member: mutual TLS with the cluster's own CA (so only its members can
 * join), every member listed (its own URL is ignored by the server), nothing gossiped to clients
 * (they and the leaves are given every member's URL).
 */
function clusterBlock(t: Topology, m: Manifest, s: ServerEntry, f: Files): string {
  if (!s.cluster || !f.route) return '';
  const routes = m.servers.filter((x) => x.cluster === s.cluster).map((x) => `nats-route://${dialHost(t, x.name)}:${x.routesPort}`);
  return `cluster {
  name: ${q(s.cluster)}
  listen: ${q(`${t.listen ?? t.host}:${s.routesPort}`)}
  no_advertise: true
  tls { cert_file: ${q(f.route.cert)}, key_file: ${q(f.route.key)}, ca_file: ${q(f.route.ca)}, timeout: 5 }
  routes: ${list(routes)}
}
`;
}

function renderHub(t: Topology, names: BusNames, m: Manifest, hub: ServerEntry, f: Files): string {
  const system = t.accounts.find((a) => a.kind === 'system')!;
  const leafUsers = m.servers.filter((s) => s.role === 'leaf').map((s) => `      { user: ${q(`CN=${s.name}`)}, account: ${s.account} }`);
  const accounts = t.accounts.map((a) => {
    const body: string[] = [];
    // Agency accounts have no users on the hub: only their leaf server links in (mTLS, mapped by certificate).
    if (a.kind !== 'agency') body.push(users(t, names, m, a));
    if (a.kind === 'ledger') body.push(jsLimits(t));
    body.push(...exportsImports(t, names, a));
    return `  ${a.name} {\n${body.join('\n')}\n  }`;
  });
  return `# Generated by "shekara bus provision" from the topology file: do not edit, re-run the command.
# The hub: every account with its exports (each to the named account only) and imports; agencies
# link in as leaf servers over mutual TLS; no anonymous user, no no_auth_user.
server_name: ${q(hub.name)}
listen: ${q(`${t.listen ?? t.host}:${hub.clientPort}`)}
http: ${q(`${t.listen ?? t.host}:${hub.monitorPort}`)}
tls { cert_file: ${q(f.cert)}, key_file: ${q(f.key)}, ca_file: ${q(f.ca)}, timeout: 5 }
jetstream { store_dir: ${q(f.store)}, domain: ${q(hub.jetstreamDomain)}, max_memory_store: ${t.jetstreamLimits.maxMemory}, max_file_store: ${t.jetstreamLimits.maxFile} }
system_account: ${system.name}
${clusterBlock(t, m, hub, f)}leafnodes {
  listen: ${q(`${t.listen ?? t.host}:${hub.leafnodesPort}`)}
  no_advertise: true
  tls { cert_file: ${q(f.cert)}, key_file: ${q(f.key)}, ca_file: ${q(f.ca)}, verify_and_map: true, timeout: 5 }
  authorization {
    users: [
${leafUsers.join('\n')}
    ]
  }
}
accounts {
${accounts.join('\n')}
}
`;
}

function renderLeaf(t: Topology, names: BusNames, m: Manifest, a: AccountSpec, s: ServerEntry, f: Files & { hubLeafUrls: string[] }): string {
  return `# Generated by "shekara bus provision" from the topology file: do not edit, re-run the command.
# The ${a.agency as AgencyCode} agency's own server: its account, its JetStream domain and store, linked
# to the hub as a leaf over mutual TLS (the hub maps this server's certificate to account ${a.name}).
server_name: ${q(s.name)}
listen: ${q(`${t.listen ?? t.host}:${s.clientPort}`)}
http: ${q(`${t.listen ?? t.host}:${s.monitorPort}`)}
tls { cert_file: ${q(f.cert)}, key_file: ${q(f.key)}, ca_file: ${q(f.ca)}, timeout: 5 }
jetstream { store_dir: ${q(f.store)}, domain: ${q(s.jetstreamDomain)}, max_memory_store: ${t.jetstreamLimits.maxMemory}, max_file_store: ${t.jetstreamLimits.maxFile} }
accounts {
  ${a.name} {
${users(t, names, m, a)}
${jsLimits(t)}
  }
}
${clusterBlock(t, m, s, f)}leafnodes {
  remotes: [
    { ${f.hubLeafUrls.length === 1 ? `url: ${q(f.hubLeafUrls[0])}` : `urls: ${list(f.hubLeafUrls)}`}, account: ${a.name}, tls: { cert_file: ${q(f.cert)}, key_file: ${q(f.key)}, ca_file: ${q(f.ca)}, timeout: 5 } }
  ]
}
`;
}

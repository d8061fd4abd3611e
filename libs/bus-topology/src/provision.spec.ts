import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromSeed } from '@nats-io/nkeys';
import { BusError, BusErrorCode } from './errors';
import { ProvisionedBus } from './manifest';
import { provision } from './provision';
import { loadTopology } from './topology';

const topology = loadTopology(resolve(__dirname, '../../../config/bus.json'));
let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'bus-provision-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('provision', () => {
  it('writes one seed per identity, 0600, in its own account directory, matching the public key in the configs', async () => {
    await provision({ topology, out });
    const bus = ProvisionedBus.load(out);
    for (const id of bus.manifest.identities) {
      const file = bus.path(id.seedFile);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(fromSeed(bus.seed(id.name)).getPublicKey()).toBe(id.publicKey);
      const config = readFileSync(bus.path(bus.server(id.server).config), 'utf8');
      expect(config).toContain(id.publicKey);
      expect(config).not.toContain(readFileSync(file, 'utf8').trim()); // public keys only, never a seed
    }
    expect(bus.identity('border-node').seedFile).toBe('border/secrets/border-node.nk');
    expect(statSync(join(out, 'ca-private/ca.key')).mode & 0o777).toBe(0o600);
    // Each agency's server knows only its own identity.
    const border = readFileSync(join(out, 'border/server.conf'), 'utf8');
    expect(border).not.toContain(bus.identity('interior-node').publicKey);
  });

  it('has no anonymous access anywhere and restricts every export to one account', async () => {
    await provision({ topology, out });
    const hub = readFileSync(join(out, 'hub/hub.conf'), 'utf8');
    expect(hub).not.toMatch(/^\s*(no_auth_user|password|user)\s*:/m);
    expect(hub).toMatch(/verify_and_map: true/);
    const exports = hub.split('\n').filter((l) => l.includes('{ service: "'));
    expect(exports.length).toBeGreaterThan(10);
    for (const e of exports) expect(e).toMatch(/accounts: \[[A-Z]+\] \}$/);
  });

  it('keeps keys, certificates and ports on a re-run, and replaces them with rotate', async () => {
    const free = { ...topology, hub: { ...topology.hub, ports: { client: 0, leafnodes: 0, monitor: 0 } } };
    const first = await provision({ topology: free, out });
    const seed = readFileSync(join(out, 'interior/secrets/interior-node.nk'), 'utf8');
    const cert = readFileSync(join(out, 'hub/tls/server.pem'), 'utf8');
    const again = await provision({ topology: free, out });
    expect(again.written).toEqual([]);
    expect(again.manifest.servers[0].clientPort).toBe(first.manifest.servers[0].clientPort);
    expect(readFileSync(join(out, 'interior/secrets/interior-node.nk'), 'utf8')).toBe(seed);
    const rotated = await provision({ topology: free, out, rotate: true });
    expect(readFileSync(join(out, 'interior/secrets/interior-node.nk'), 'utf8')).not.toBe(seed);
    expect(readFileSync(join(out, 'hub/tls/server.pem'), 'utf8')).not.toBe(cert);
    expect(rotated.written).toContain('interior/secrets/interior-node.nk');
  });
});

describe('provision with clusters', () => {
  const clustered = () => ({
    ...topology,
    hub: { ...topology.hub, ports: { client: 0, leafnodes: 0, monitor: 0 }, cluster: { size: 3, ports: { routes: 0 } } },
    accounts: topology.accounts.map((a) => (a.agency === 'interior' ? { ...a, leaf: { ...a.leaf!, ports: { client: 0, monitor: 0 }, cluster: { size: 3, ports: { routes: 0 } } } } : a)),
  });

  it('writes one config per member, routes over mutual TLS with a route CA of its own, every hub URL in every leaf remote', async () => {
    const { manifest } = await provision({ topology: clustered(), out });
    const bus = ProvisionedBus.load(out);
    expect(manifest.servers.map((s) => [s.name, s.cluster ?? null, s.config])).toEqual([
      ['shekara-hub-1', 'shekara-hub', 'hub/shekara-hub-1.conf'],
      ['shekara-hub-2', 'shekara-hub', 'hub/shekara-hub-2.conf'],
      ['shekara-hub-3', 'shekara-hub', 'hub/shekara-hub-3.conf'],
      ['shekara-interior-1', 'shekara-interior', 'interior/shekara-interior-1.conf'],
      ['shekara-interior-2', 'shekara-interior', 'interior/shekara-interior-2.conf'],
      ['shekara-interior-3', 'shekara-interior', 'interior/shekara-interior-3.conf'],
      ['shekara-border', null, 'border/server.conf'],
      ['shekara-customs', null, 'customs/server.conf'],
    ]);
    // Identities name the cluster; the node is given every member.
    expect(bus.identity('interior-node').server).toBe('shekara-interior');
    expect(bus.urls('shekara-interior')).toEqual(bus.members('shekara-interior').map((m) => `tls://127.0.0.1:${m.clientPort}`));
    expect(bus.urls('shekara-border')).toHaveLength(1);
    const hubUrls = bus.hubs().map((h) => `"tls://127.0.0.1:${h.leafnodesPort}"`).join(', ');
    for (const s of manifest.servers) {
      const conf = readFileSync(bus.path(s.config), 'utf8');
      expect(conf).toContain(`server_name: "${s.name}"`);
      if (s.role === 'leaf') expect(conf).toContain(`urls: [${hubUrls}]`);
      if (!s.cluster) {
        expect(conf).not.toContain('cluster {');
        continue;
      }
      const dir = s.role === 'hub' ? 'hub' : 'interior';
      const routes = bus.members(s.cluster).map((m) => `"nats-route://127.0.0.1:${m.routesPort}"`).join(', ');
      expect(conf).toContain(`name: "${s.cluster}"`);
      expect(conf).toContain(`routes: [${routes}]`);
      expect(conf).toContain(`ca_file: "${join(resolve(out), dir, 'tls/routes-ca.pem')}"`);
      expect(conf).toContain(`store_dir: "${join(resolve(out), dir, 'store', s.name)}"`);
    }
    // The hub maps every leaf process's certificate to its account.
    const hub = readFileSync(join(out, 'hub/shekara-hub-2.conf'), 'utf8');
    for (const m of ['shekara-interior-1', 'shekara-interior-2', 'shekara-interior-3']) expect(hub).toContain(`{ user: "CN=${m}", account: INTERIOR }`);
    // Route certificates are signed by their cluster's route CA only (not by the development CA, not by the other cluster's).
    const { spawnSync } = await import('node:child_process');
    const verify = (ca: string, pem: string) => spawnSync('openssl', ['verify', '-CAfile', join(out, ca), join(out, pem)], { encoding: 'utf8' }).status;
    expect(verify('interior/tls/routes-ca.pem', 'interior/tls/shekara-interior-2-route.pem')).toBe(0);
    expect(verify('ca/ca.pem', 'interior/tls/shekara-interior-2-route.pem')).not.toBe(0);
    expect(verify('hub/tls/routes-ca.pem', 'interior/tls/shekara-interior-2-route.pem')).not.toBe(0);
    expect(verify('interior/tls/routes-ca.pem', 'border/tls/server.pem')).not.toBe(0);
    expect(statSync(join(out, 'ca-private/interior-routes.key')).mode & 0o777).toBe(0o600);
  });

  it('keeps route keys and member ports on a re-run, and replaces them with rotate', async () => {
    const first = await provision({ topology: clustered(), out });
    const routeCa = readFileSync(join(out, 'hub/tls/routes-ca.pem'), 'utf8');
    const again = await provision({ topology: clustered(), out });
    expect(again.written).toEqual([]);
    expect(again.manifest.servers.map((s) => [s.clientPort, s.routesPort])).toEqual(first.manifest.servers.map((s) => [s.clientPort, s.routesPort]));
    const rotated = await provision({ topology: clustered(), out, rotate: true });
    expect(readFileSync(join(out, 'hub/tls/routes-ca.pem'), 'utf8')).not.toBe(routeCa);
    expect(rotated.written).toContain('hub/tls/shekara-hub-1-route.pem');
  });

  it("derives each identity's stream replicas from the servers holding its JetStream domain, and refuses more", async () => {
    await provision({ topology: clustered(), out });
    const bus = ProvisionedBus.load(out);
    expect(bus.streamReplicas('interior-node')).toBe(3); // a cluster of three
    expect(bus.streamReplicas('border-node')).toBe(1); // one server
    expect(bus.streamReplicas('supervisor')).toBe(3); // the hub's domain, a cluster of three
    expect(bus.streamReplicas('interior-node', 2)).toBe(2);
    // Three replicas on one server: JetStream could not place them; the boot says why, in both languages.
    let refused: unknown;
    try {
      bus.streamReplicas('border-node', 3);
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(BusError);
    expect((refused as BusError).code).toBe(BusErrorCode.ReplicasBeyondServers);
    expect((refused as BusError).render('en')).toBe('STREAM_REPLICAS: 3 replicas asked, but only 1 server(s) hold the JetStream domain of border-node');
    expect((refused as BusError).render('ru')).toContain('запрошено реплик 3');
  });

  it('gives member i the configured port + i - 1', async () => {
    const t = { ...topology, hub: { ...topology.hub, ports: { client: 4310, leafnodes: 7410, monitor: 8310 }, cluster: { size: 3, ports: { routes: 6310 } } } };
    const { manifest } = await provision({ topology: t, out });
    expect(manifest.servers.filter((s) => s.role === 'hub').map((s) => [s.clientPort, s.leafnodesPort, s.monitorPort, s.routesPort])).toEqual([
      [4310, 7410, 8310, 6310],
      [4311, 7411, 8311, 6311],
      [4312, 7412, 8312, 6312],
    ]);
  });
});

describe('provision for containers (config/bus.docker.json)', () => {
  it('listens on all interfaces, dials servers by name, and writes paths as the containers see them', async () => {
    const docker = loadTopology(resolve(__dirname, '../../../config/bus.docker.json'));
    await provision({ topology: docker, out, pathsRoot: '/bus' });
    const leaf = readFileSync(join(out, 'customs/server.conf'), 'utf8');
    expect(leaf).toContain('listen: "0.0.0.0:4222"');
    expect(leaf).toContain('url: "tls://shekara-hub:7422"');
    expect(leaf).toContain('cert_file: "/bus/customs/tls/server.pem"');
    expect(leaf).toContain('ca_file: "/bus/ca/ca.pem"');
    expect(leaf).not.toContain(out);
    expect(ProvisionedBus.load(out).url('shekara-customs')).toBe('tls://shekara-customs:4222');
    // The server certificate names the server, so a client dialling it by name verifies it.
    const { execFileSync } = await import('node:child_process');
    expect(execFileSync('openssl', ['x509', '-in', join(out, 'customs/tls/server.pem'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' })).toContain('DNS:shekara-customs');
  });

  it('clustered (config/bus.docker-cluster.json): every member its own container, dialled by its name, on the same ports', async () => {
    const docker = loadTopology(resolve(__dirname, '../../../config/bus.docker-cluster.json'));
    const { manifest } = await provision({ topology: docker, out, pathsRoot: '/bus' });
    expect(manifest.servers).toHaveLength(12);
    expect(new Set(manifest.servers.map((s) => s.clientPort))).toEqual(new Set([4222]));
    const member = readFileSync(join(out, 'border/shekara-border-2.conf'), 'utf8');
    expect(member).toContain('listen: "0.0.0.0:4222"');
    expect(member).toContain('routes: ["nats-route://shekara-border-1:6222", "nats-route://shekara-border-2:6222", "nats-route://shekara-border-3:6222"]');
    expect(member).toContain('urls: ["tls://shekara-hub-1:7422", "tls://shekara-hub-2:7422", "tls://shekara-hub-3:7422"]');
    expect(member).toContain('ca_file: "/bus/border/tls/routes-ca.pem"');
    expect(member).toContain('store_dir: "/bus/border/store/shekara-border-2"');
    expect(ProvisionedBus.load(out).urls('shekara-border')).toEqual(['tls://shekara-border-1:4222', 'tls://shekara-border-2:4222', 'tls://shekara-border-3:4222']);
  });

  it('the clustered host topology (config/bus.cluster.json) is valid', () => {
    const t = loadTopology(resolve(__dirname, '../../../config/bus.cluster.json'));
    expect([t.hub, ...t.accounts.flatMap((a) => (a.leaf ? [a.leaf] : []))].map((s) => s.cluster?.size)).toEqual([3, 3, 3, 3]);
  });
});

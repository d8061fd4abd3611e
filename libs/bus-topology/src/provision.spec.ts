import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromSeed } from '@nats-io/nkeys';
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
});

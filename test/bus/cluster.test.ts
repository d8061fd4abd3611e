/**
 * The isolation matrix on the clustered topology (a hub of three servers and interior's server a
 * cluster of three, from `cluster` blocks in the topology): `shekara bus check` finds no hole, with
 * the route acts (plaintext, TLS without a certificate, every other server's certificates) refused
 * at every cluster member. The route probe can see an accepted route (a member's own route
 * certificate gets a PONG), and a hub whose routes also trust the development CA is reported.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { ProvisionedBus } from '@shekara/bus-topology';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../apps/cli/src/main';
import { holes, renderMatrix, routeConnect, type ActResult } from '../../apps/cli/src/bus/matrix';
import { clusteredTopology, freePortsTopology, startPrivateBus, type PrivateBus } from './support';

jest.setTimeout(300_000);

const topology = () => clusteredTopology(freePortsTopology(), { hub: 3, agencies: { interior: 3 } });

async function check(dir: string, ...flags: string[]): Promise<{ code: number; rows: ActResult[] }> {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  const code = await main(['bus', 'check', '--bus', dir, '--json', ...flags], { stdout, stderr: process.stderr, now: () => new Date(0) });
  return { code, rows: chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as ActResult) };
}

describe('the clustered topology', () => {
  let pb: PrivateBus;
  let rows: ActResult[];
  let code: number;

  beforeAll(async () => {
    pb = await startPrivateBus(topology());
    ({ code, rows } = await check(pb.dir));
  });
  afterAll(async () => {
    await pb?.stop();
  });

  it('has no hole: every forbidden act fails, every allowed act works, on every cluster member', () => {
    const bad = holes(rows);
    if (bad.length) throw new Error(`holes:\n${renderMatrix(bad)}`);
    expect(code).toBe(0);
    expect(pb.bus.manifest.servers.map((s) => s.name)).toEqual(['shekara-hub-1', 'shekara-hub-2', 'shekara-hub-3', 'shekara-interior-1', 'shekara-interior-2', 'shekara-interior-3', 'shekara-border', 'shekara-customs']);
    // The allowed acts all happened on the clusters too (envelopes into interior's R3 inbox, RPCs through the hub cluster).
    const allowed = (act: string) => rows.filter((r) => r.act === act && r.expect === 'allowed' && r.outcome === 'allowed');
    expect(allowed('send-envelope')).toHaveLength(6);
    expect(allowed('rpc-call')).toHaveLength(9);
    expect(allowed('consume-and-ack').map((r) => r.actor).sort()).toEqual(['border-node', 'customs-node', 'interior-node', 'supervisor']);
    for (const s of pb.bus.manifest.servers) {
      for (const act of ['connect-anonymous', 'connect-wrong-nkey', 'connect-plaintext']) expect({ s: s.name, act, denied: rows.some((r) => r.act === act && r.target === s.name && r.outcome === 'denied') }).toEqual({ s: s.name, act, denied: true });
    }
  });

  it('refuses a route into each member from anyone but its cluster', () => {
    for (const s of pb.bus.manifest.servers.filter((x) => x.cluster)) {
      const at = rows.filter((r) => r.target === s.name && r.act.startsWith('route-'));
      expect(at.every((r) => r.expect === 'denied' && r.outcome === 'denied')).toBe(true);
      expect(at.filter((r) => r.act === 'route-plaintext' || r.act === 'route-no-cert')).toHaveLength(2);
      // Every server's own certificate (the development CA signs them all, this member's included).
      expect(at.filter((r) => r.act === 'route-with-server-cert').map((r) => r.actor).sort()).toEqual(pb.bus.manifest.servers.map((x) => x.name).sort());
      // The route certificates of the other cluster's members.
      const others = pb.bus.manifest.servers.filter((x) => x.cluster && x.cluster !== s.cluster).map((x) => x.name).sort();
      expect(at.filter((r) => r.act === 'route-with-other-cluster-cert').map((r) => r.actor).sort()).toEqual(others);
    }
    expect(rows.filter((r) => r.act.startsWith('route-')).length).toBeGreaterThan(60);
  });

  it("the route probe sees an accepted route: a member's own route certificate gets a PONG", async () => {
    const member = pb.bus.server('shekara-interior-2');
    const cert = { cert: readFileSync(join(pb.dir, 'interior/tls/shekara-interior-1-route.pem')), key: readFileSync(join(pb.dir, 'interior/tls/shekara-interior-1-route.key')) };
    expect(await routeConnect('127.0.0.1', member.routesPort!, 'shekara-interior', cert, 5000)).toEqual({ ok: true, detail: 'PONG: route accepted' });
    // The same certificate into the hub cluster: refused in the TLS handshake.
    expect((await routeConnect('127.0.0.1', pb.bus.server('shekara-hub-1').routesPort!, 'shekara-hub', cert, 5000)).ok).toBe(false);
  });
});

it('reports a hub cluster whose routes also trust the development CA (any server could join it)', async () => {
  const pb = await startPrivateBus(topology(), (dir) => {
    // The classic mistake: the routes verify with a bundle holding the CA that signed every server's certificate.
    writeFileSync(join(dir, 'hub/tls/routes-both.pem'), readFileSync(join(dir, 'hub/tls/routes-ca.pem'), 'utf8') + readFileSync(join(dir, 'ca/ca.pem'), 'utf8'));
    for (const m of ['shekara-hub-1', 'shekara-hub-2', 'shekara-hub-3']) {
      const file = join(dir, 'hub', `${m}.conf`);
      const text = readFileSync(file, 'utf8');
      const routeCa = `ca_file: "${join(dir, 'hub/tls/routes-ca.pem')}"`;
      if (!text.includes(routeCa)) throw new Error(`${file} has no ${routeCa}`);
      writeFileSync(file, text.replace(routeCa, `ca_file: "${join(dir, 'hub/tls/routes-both.pem')}"`));
    }
  });
  try {
    const { code, rows } = await check(pb.dir, '--forbidden-only');
    expect(code).toBe(1);
    const bad = holes(rows);
    // Every server's certificate now opens a route into every hub member, and nothing else is a hole.
    expect(new Set(bad.map((r) => r.act))).toEqual(new Set(['route-with-server-cert']));
    expect(new Set(bad.map((r) => r.target))).toEqual(new Set(['shekara-hub-1', 'shekara-hub-2', 'shekara-hub-3']));
    expect(bad.filter((r) => r.target === 'shekara-hub-1').map((r) => r.actor).sort()).toEqual(pb.bus.manifest.servers.map((s) => s.name).sort());
    for (const r of bad) expect(r.detail).toBe('PONG: route accepted');
  } finally {
    await pb.stop();
  }
});

it('provisions again with other free ports when a picked port was taken before its server started', async () => {
  // Another process holds a port the first hub member was configured with when its server starts
  // (the window between picking a free port and binding it). The port is held before provisioning and
  // written into that member's generated config, so the collision happens every time, not by chance.
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const held = (holder.address() as AddressInfo).port;
  let patches = 0;
  let pb: Awaited<ReturnType<typeof startPrivateBus>> | undefined;
  try {
    pb = await startPrivateBus(topology(), (dir) => {
      if (patches++ > 0) return;
      const member = ProvisionedBus.load(dir).hub();
      const file = join(dir, 'hub', `${member.name}.conf`);
      const text = readFileSync(file, 'utf8');
      const listen = `:${member.clientPort}"`;
      if (!text.includes(listen)) throw new Error(`${file} does not listen on ${member.clientPort}`);
      writeFileSync(file, text.replace(listen, `:${held}"`));
    });
    // The first start failed on the held port; provisioning ran again and picked other ports (again
    // if another process on the machine took one of those first).
    expect(patches).toBeGreaterThanOrEqual(2);
    expect(holder.listening).toBe(true);
    expect(pb.bus.hub().clientPort).not.toBe(held);
    expect(await pb.servers.hubLeafLinks()).toBeGreaterThanOrEqual(5);
  } finally {
    holder.close();
    await pb?.stop();
  }
});

/**
 * `shekara bus provision` then `shekara bus up` as real processes (bin/shekara.js on dist/): the
 * servers come up from the generated configs with every leaf linked, and SIGTERM stops them all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProvisionedBus } from '@shekara/bus-topology';
import { freePortsTopology } from './support';

jest.setTimeout(60_000);
const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'shekara.js');

it('provisions, starts every server with the leaves linked, and stops them on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bus-up-'));
  try {
    const topo = join(dir, 'bus.json');
    writeFileSync(topo, JSON.stringify(freePortsTopology()));
    const out = join(dir, 'out');
    const p = spawnSync('node', [BIN, 'bus', 'provision', '--topology', topo, '--out', out], { encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/identity border-node\s+account BORDER/);

    const up = spawn('node', [BIN, 'bus', 'up', '--bus', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    up.stdout.on('data', (d: Buffer) => (text += d.toString()));
    up.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const exited = new Promise<number | null>((r) => up.once('exit', (code) => r(code)));
    const deadline = Date.now() + 30_000;
    while (!text.includes('every leaf linked')) {
      if (Date.now() > deadline || up.exitCode !== null) throw new Error(`bus up did not come up:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const bus = ProvisionedBus.load(out);
    const hub = bus.hub();
    const leafz = (await (await fetch(`http://127.0.0.1:${hub.monitorPort}/leafz`)).json()) as { leafnodes: number };
    expect(leafz.leafnodes).toBe(3);

    up.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const s of bus.manifest.servers) await expect(fetch(`http://127.0.0.1:${s.monitorPort}/healthz`)).rejects.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

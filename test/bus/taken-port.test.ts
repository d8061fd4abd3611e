/**
 * A port picked free at provisioning and taken by another process before its server binds it (an
 * outgoing connection can take any port of the ephemeral range): provisionAndStart provisions again
 * with other free ports and starts, where one attempt fails with the server's "address already in use".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionedBus, provisionAndStart } from '@shekara/bus-topology';
import { freePortsTopology } from './support';

jest.setTimeout(120_000);

describe('bus servers started on free ports', () => {
  const dirs: string[] = [];
  const squatters: Server[] = [];
  afterAll(async () => {
    for (const s of squatters) await new Promise((r) => s.close(r));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /**
   * Takes the hub's client port, as another process would, right after provisioning picked it; resolves
   * once it is bound (a listen still pending when the hub starts would lose the race to the hub).
   */
  const takeHubPort = async (dir: string): Promise<number> => {
    const port = ProvisionedBus.load(dir).hub().clientPort;
    const s = createServer();
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    squatters.push(s);
    return port;
  };

  it('picks other ports when one was taken before its server bound it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shekara-taken-'));
    dirs.push(dir);
    let taken = 0;
    const servers = await provisionAndStart({ ...freePortsTopology(), prefix: 'taken' }, dir, {
      timeoutMs: 45_000,
      patch: async (d) => {
        if (!taken) taken = await takeHubPort(d);
      },
    });
    try {
      expect(taken).toBeGreaterThan(0);
      expect(servers.bus.hub().clientPort).not.toBe(taken);
    } finally {
      await servers.stop();
    }
  });

  it('gives up after the attempts allowed, with the server\'s reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shekara-taken-'));
    dirs.push(dir);
    await expect(provisionAndStart({ ...freePortsTopology(), prefix: 'taken2' }, dir, { timeoutMs: 45_000, attempts: 2, patch: async (d) => void (await takeHubPort(d)) })).rejects.toThrow(/address already in use/);
  });
});

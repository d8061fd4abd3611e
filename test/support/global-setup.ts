import { Client } from 'pg';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFERRED_DROPS } from './deferred-drops';

/** Fails fast, with the fix, when a service the integration tests need is down. */
export default async function globalSetup(): Promise<void> {
  const pg = new Client({ connectionString: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  try {
    await pg.connect();
    await pg.query('SELECT 1');
  } catch (e) {
    throw new Error(`PostgreSQL is not reachable on 127.0.0.1:5432 (${(e as Error).message}); start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`);
  } finally {
    await pg.end().catch(() => undefined);
  }
  // No shared NATS: every test starts its own servers (the provisioned bus, test/support/bus.ts).
  if (!existsSync('/usr/sbin/nats-server')) throw new Error('nats-server is not installed at /usr/sbin/nats-server (the tests start private servers with it)');
  const redisPong = await new Promise<string>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port: 6379 }, () => s.write('PING\r\n'));
    s.setTimeout(3000, () => (s.destroy(), resolve('timeout')));
    s.on('data', (d) => (s.end(), resolve(String(d).trim())));
    s.on('error', (e) => resolve(e.message));
  });
  if (redisPong !== '+PONG') throw new Error(`Redis is not reachable on 127.0.0.1:6379 (${redisPong}); see README "Local services"`);
  // The workers inherit it: the databases their tests release are dropped by global-teardown.ts.
  process.env[DEFERRED_DROPS] = join(tmpdir(), `shekara-released-${randomBytes(6).toString('hex')}.jsonl`);
}

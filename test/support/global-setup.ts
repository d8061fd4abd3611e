import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { createConnection } from 'node:net';

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
  try {
    const nc = await connect({ servers: process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222', timeout: 3000 });
    await nc.close();
  } catch (e) {
    throw new Error(`NATS is not reachable on 127.0.0.1:4222 (${(e as Error).message}); see README "Local services"`);
  }
  const redisPong = await new Promise<string>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port: 6379 }, () => s.write('PING\r\n'));
    s.setTimeout(3000, () => (s.destroy(), resolve('timeout')));
    s.on('data', (d) => (s.end(), resolve(String(d).trim())));
    s.on('error', (e) => resolve(e.message));
  });
  if (redisPong !== '+PONG') throw new Error(`Redis is not reachable on 127.0.0.1:6379 (${redisPong}); see README "Local services"`);
}

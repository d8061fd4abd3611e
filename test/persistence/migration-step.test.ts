/**
 * Issue #17 item 4: the migrations are a step of their own (`main.js migrate`, run by `npm run up`,
 * docker-compose's db-migrate and the harnesses), the only one given the owner's URL. The BUILT
 * apps as processes: a node refuses to start on a schema behind its code (exit 78, the message
 * names the step), refuses the owner's URL, and starts with DATABASE_URL alone once migrated; the
 * step itself refuses a bad pair of URLs (78) and is safe to run again.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readAuthorityPublicKey } from '@shekara/directory';
import { ProcSystem } from '../resilience/support';
import { AppProcess, appMain, freePort, migrateApp, tail, waitFor } from '../support/processes';

jest.setTimeout(240_000);

const sys = new ProcSystem();
beforeAll(() => sys.bus!.start());
afterAll(() => sys.cleanup());

/** The interior node's settings as the harness runs it, without the migration step's URL. */
async function nodeEnv(change: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    SHEKARA_AGENCY: 'interior',
    ...sys.busEnv('interior-node'),
    BUS_PREFIX: sys.runId,
    DATABASE_URL: sys.databaseUrl('interior'),
    JWT_SECRET: 'migration-step-0123456789abcdef0123456789',
    DIRECTORY_PATH: sys.files.directoryPath,
    DIRECTORY_AUTHORITY_KEY: readAuthorityPublicKey(sys.files.authorityPublicKeyPath),
    KEYS_PATH: sys.files.keyPaths.interior,
    DEMO_USERS: 'true',
    WEB_DIR: join(sys.dir, 'no-web'),
    ...change,
  };
}

/** Starts the node process with these settings; it must exit: its exit code and log. */
async function refused(name: string, env: Record<string, string>): Promise<{ code: number | null | undefined; log: string }> {
  const log = join(sys.dir, `${name}.log`);
  const node = new AppProcess('interior', await freePort(), env, log);
  node.spawn();
  await waitFor(async () => !node.running, 60_000, `${name}: the node to exit`);
  return { code: node.exits.at(-1)?.code, log: tail(log, 40) };
}

/** Runs `main.js migrate` of an app with this environment: its exit code and output. */
function migrate(app: 'interior' | 'supervisor', env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [appMain(app), 'migrate'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('the migration step', () => {
  it('a node refuses to start on a database its migration step has not brought to the latest migration (exit 78)', async () => {
    await sys.database('interior').provision();
    const r = await refused('unmigrated', await nodeEnv());
    expect(r.code).toBe(78);
    expect(r.log).toContain('not at the latest migration');
    expect(r.log).toContain('TlogForkAlerts1767000000000');
    expect(r.log).toContain('migrate');
  });

  it('a node refuses the owner’s URL: only the migration step gets it (exit 78)', async () => {
    const r = await refused('owner-url', await nodeEnv({ DATABASE_MIGRATION_URL: sys.migrationUrl('interior') }));
    expect(r.code).toBe(78);
    expect(r.log).toContain('DATABASE_MIGRATION_URL is for the migration step only');
  });

  it('the step refuses a missing or bad owner URL (78) and changes nothing', async () => {
    const missing = await migrate('interior', { DATABASE_URL: sys.databaseUrl('interior') });
    expect(missing.code).toBe(78);
    expect(missing.out).toContain('DATABASE_MIGRATION_URL');
    const same = await migrate('interior', { DATABASE_URL: sys.databaseUrl('interior'), DATABASE_MIGRATION_URL: sys.databaseUrl('interior') });
    expect(same.code).toBe(78);
    expect(same.out).toContain('two different roles');
    // The app role cannot migrate: it owns nothing and may create nothing (exit 1, the database's refusal).
    const asApp = await migrate('interior', { DATABASE_URL: sys.migrationUrl('interior'), DATABASE_MIGRATION_URL: sys.databaseUrl('interior') });
    expect(asApp.code).toBe(1);
    expect(Number((await sys.sql('interior', "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'"))[0].n)).toBe(0);
  });

  it('once migrated (twice: the step is idempotent), the node starts with DATABASE_URL alone and the ledger too', async () => {
    const urls = { DATABASE_URL: sys.databaseUrl('interior'), DATABASE_MIGRATION_URL: sys.migrationUrl('interior') };
    await migrateApp('interior', urls);
    await migrateApp('interior', urls);
    await sys.startNodes(['interior']);
    const health = await fetch(`${sys.node('interior').url}/health/ready`);
    expect(health.status).toBe(200);
    await sys.startSupervisor();
    expect((await fetch(`${sys.supervisor!.url}/health/ready`)).status).toBe(200);
  });
});

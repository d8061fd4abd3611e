/**
 * Issue #17 item 4: least privilege in PostgreSQL, attacked. The node's and the ledger's databases
 * are provisioned and prepared exactly as the apps boot (prepareAppDatabase: migrations as the
 * owner, then the owner's grants); then the app role tries what it must not do (rewrite or erase an
 * audit row, a log leaf, a ledger fact; switch the triggers off; create or drop a table; become the
 * owner; reach another app's database), and the database refuses each; the same role does what the
 * app needs (the controls, so the refusals are not a broken connection).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { AGENCY_NODE_APP_PRIVILEGES, agencyNodeDataSource } from '@shekara/agency-node';
import { assertRestrictedRole, prepareAppDatabase, provisionDatabase, withDatabase } from '@shekara/persistence';
import { SUPERVISOR_APP_PRIVILEGES, supervisorDataSource } from '../../apps/supervisor/src/data-source';
import { main } from '../../apps/cli/src/main';
import { PG_URL } from '../support/harness';
import { TestDatabase } from '../support/database';

jest.setTimeout(60_000);

const run = `p${randomBytes(4).toString('hex')}`;
const node = new TestDatabase(PG_URL, `shekara_${run}_node`);
const ledger = new TestDatabase(PG_URL, `shekara_${run}_ledger`);
const clients: Client[] = [];

async function connect(url: string): Promise<Client> {
  const c = new Client({ connectionString: url });
  await c.connect();
  clients.push(c);
  return c;
}

/** The error PostgreSQL answers a statement with (undefined: it ran). */
async function refusal(c: Client, sql: string, params: unknown[] = []): Promise<{ code?: string; message: string } | undefined> {
  try {
    await c.query(sql, params);
    return undefined;
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
}

let app: Client;
let supervisorApp: Client;

beforeAll(async () => {
  // Concurrently, as parallel test files do: the provisioning is serialized by its advisory lock.
  await Promise.all([node.provision(), ledger.provision(), provisionDatabase(PG_URL, node.roles)]);
  const ds = await prepareAppDatabase(agencyNodeDataSource, node, AGENCY_NODE_APP_PRIVILEGES);
  await ds.destroy();
  const sds = await prepareAppDatabase(supervisorDataSource, ledger, SUPERVISOR_APP_PRIVILEGES);
  await sds.destroy();
  app = await connect(node.appUrl);
  supervisorApp = await connect(ledger.appUrl);
  // What the node writes in the course of its work: an audit row, a log leaf, a message.
  await app.query(`INSERT INTO audit_log (at, actor, action, message_id, unit_id) VALUES (now(), 'border.duty', 'SENT', 'm-1', 'U-1')`);
  await app.query(`INSERT INTO tlog_leaf (idx, leaf_hash, message_id, kind, direction, entry, appended_at) VALUES (0, $1, 'm-1', 'envelope', 'sent', $2, now())`, [Buffer.alloc(32, 1), Buffer.from('entry')]);
  await app.query(`INSERT INTO tlog_checkpoint (size, root, note, signed_at) VALUES (1, $1, 'note', now())`, [Buffer.alloc(32, 2)]);
  // What the ledger records: a fact.
  await supervisorApp.query(`INSERT INTO ledger_events (event_id, message_id, action, node, at, actor, recorded_at) VALUES ('e-1', 'm-1', 'SENT', 'border', now(), 'border.duty', now())`);
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await node.drop();
  await ledger.drop();
});

describe('the node app role', () => {
  it('reads and appends to its logs (the control)', async () => {
    expect((await app.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(1);
    expect(await refusal(app, `INSERT INTO audit_log (at, actor, action) VALUES (now(), 'x', 'LOGIN')`)).toBeUndefined();
  });

  it.each([
    ['UPDATE an audit row', `UPDATE audit_log SET actor = 'someone.else' WHERE message_id = 'm-1'`, 'audit_log'],
    ['DELETE an audit row', `DELETE FROM audit_log WHERE message_id = 'm-1'`, 'audit_log'],
    ['TRUNCATE the audit log', `TRUNCATE audit_log`, 'audit_log'],
    ['UPDATE a log leaf', `UPDATE tlog_leaf SET entry = 'forged' WHERE idx = 0`, 'tlog_leaf'],
    ['DELETE a log leaf', `DELETE FROM tlog_leaf WHERE idx = 0`, 'tlog_leaf'],
    ['TRUNCATE the log', `TRUNCATE tlog_leaf CASCADE`, 'tlog_leaf'],
    ['UPDATE a checkpoint', `UPDATE tlog_checkpoint SET note = 'forged'`, 'tlog_checkpoint'],
    ["UPDATE a message's payload", `UPDATE messages SET payload = '{}'::jsonb`, 'messages'],
    ["UPDATE a message's time", `UPDATE messages SET created_at = now()`, 'messages'],
    ['DELETE a message', `DELETE FROM messages`, 'messages'],
    ['DELETE a dead letter', `DELETE FROM dead_letters`, 'dead_letters'],
    ['erase a received receipt', `DELETE FROM received_receipts`, 'received_receipts'],
    ['unflag an integrity failure', `DELETE FROM message_integrity_failures`, 'message_integrity_failures'],
    ['erase a fork alert', `DELETE FROM tlog_alerts`, 'tlog_alerts'],
    ['rewrite a fork alert', `UPDATE tlog_alerts SET proven = false`, 'tlog_alerts'],
    ['record a migration as run', `INSERT INTO typeorm_migrations (timestamp, name) VALUES (1, 'Forged1')`, 'typeorm_migrations'],
    ['forget a migration', `DELETE FROM typeorm_migrations`, 'typeorm_migrations'],
  ])('may not %s: the database refuses (permission, not only the trigger)', async (_, sql, table) => {
    const r = await refusal(app, sql);
    expect(r).toEqual({ code: '42501', message: `permission denied for table ${table}` });
  });

  it('reads which migrations ran (its boot checks the schema is current), nothing more', async () => {
    expect((await app.query('SELECT count(*)::int AS n FROM typeorm_migrations')).rows[0].n).toBeGreaterThan(0);
  });

  it('leaves the rows as they were', async () => {
    const { rows } = await connect(node.adminUrl).then((c) => c.query(`SELECT actor FROM audit_log WHERE message_id = 'm-1'`));
    expect(rows).toEqual([{ actor: 'border.duty' }]);
    expect((await app.query('SELECT entry FROM tlog_leaf WHERE idx = 0')).rows[0].entry.toString()).toBe('entry');
  });

  it('may not switch the triggers off: session_replication_role and ALTER TABLE ... DISABLE TRIGGER are refused', async () => {
    expect(await refusal(app, 'SET session_replication_role = replica')).toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied to set parameter "session_replication_role"/) });
    expect(await refusal(app, `SELECT set_config('session_replication_role', 'replica', false)`)).toMatchObject({ code: '42501' });
    expect(await refusal(app, 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change')).toEqual({ code: '42501', message: 'must be owner of table audit_log' });
    expect(await refusal(app, 'ALTER TABLE tlog_leaf DISABLE TRIGGER ALL')).toEqual({ code: '42501', message: 'must be owner of table tlog_leaf' });
    expect(await refusal(app, 'DROP TRIGGER audit_log_no_change ON audit_log')).toEqual({ code: '42501', message: 'must be owner of relation audit_log' });
  });

  it('may not create, alter or drop a table, nor act as the owner', async () => {
    expect(await refusal(app, 'CREATE TABLE mine (x int)')).toMatchObject({ code: '42501', message: 'permission denied for schema public' });
    expect(await refusal(app, 'CREATE TEMPORARY TABLE mine (x int)')).toMatchObject({ code: '42501' });
    expect(await refusal(app, 'DROP TABLE audit_log')).toEqual({ code: '42501', message: 'must be owner of table audit_log' });
    expect(await refusal(app, 'ALTER TABLE messages ADD COLUMN x int')).toEqual({ code: '42501', message: 'must be owner of table messages' });
    expect(await refusal(app, 'CREATE SCHEMA mine')).toMatchObject({ code: '42501' });
    expect(await refusal(app, `SET ROLE ${node.roles.owner.name}`)).toMatchObject({ code: '42501' });
    expect(await refusal(app, 'SET ROLE postgres')).toMatchObject({ code: '42501' });
  });

  it("may not connect to another app's database", async () => {
    const other = new Client({ connectionString: withDatabase(node.appUrl, ledger.roles.database) });
    await expect(other.connect()).rejects.toMatchObject({ code: '42501' });
    await other.end().catch(() => undefined);
  });
});

describe('the ledger app role', () => {
  it('appends a fact and bumps the version (the controls)', async () => {
    expect(await refusal(supervisorApp, `INSERT INTO ledger_events (event_id, action, node, at, actor, recorded_at) VALUES ('e-2', 'LOGIN', 'border', now(), 'x', now())`)).toBeUndefined();
    expect(await refusal(supervisorApp, 'UPDATE ledger_state SET version = version + 1 WHERE id = 1')).toBeUndefined();
  });

  it.each([
    ['UPDATE a fact', `UPDATE ledger_events SET actor = 'made.up' WHERE event_id = 'e-1'`, 'ledger_events'],
    ['DELETE a fact', `DELETE FROM ledger_events WHERE event_id = 'e-1'`, 'ledger_events'],
    ['TRUNCATE the facts', 'TRUNCATE ledger_events', 'ledger_events'],
    ['rewrite a message', `UPDATE ledger_messages SET sent_at = now()`, 'ledger_messages'],
    ['erase a refusal', 'DELETE FROM ledger_rejects', 'ledger_rejects'],
    ['erase an escalation', 'DELETE FROM escalations', 'escalations'],
    ['erase a log fork alert', 'DELETE FROM ledger_log_alerts', 'ledger_log_alerts'],
    ['rewrite a log fork alert', `UPDATE ledger_log_alerts SET reason = 'none'`, 'ledger_log_alerts'],
    ['reset the version', 'DELETE FROM ledger_state', 'ledger_state'],
  ])('may not %s', async (_, sql, table) => {
    expect(await refusal(supervisorApp, sql)).toEqual({ code: '42501', message: `permission denied for table ${table}` });
  });

  it('may not switch the triggers off', async () => {
    expect(await refusal(supervisorApp, 'SET session_replication_role = replica')).toMatchObject({ code: '42501' });
    expect(await refusal(supervisorApp, 'ALTER TABLE ledger_events DISABLE TRIGGER ALL')).toEqual({ code: '42501', message: 'must be owner of table ledger_events' });
  });

  it("the facts are insert-only even for the owner (the ledger's own trigger)", async () => {
    const owner = await connect(ledger.migrationUrl);
    expect(await refusal(owner, `UPDATE ledger_events SET actor = 'made.up'`)).toEqual({ code: '42501', message: 'ledger_events is insert-only' });
    expect(await refusal(owner, `DELETE FROM ledger_messages`)).toEqual({ code: '42501', message: 'ledger_messages is insert-only' });
    expect(await refusal(owner, `DELETE FROM ledger_log_alerts`)).toEqual({ code: '42501', message: 'ledger_log_alerts is insert-only' });
  });
});

describe('the boot refuses to run on a role that is not restricted', () => {
  it('refuses the superuser and the owner as the app', async () => {
    await expect(assertRestrictedRole(await connect(node.adminUrl))).rejects.toThrow(/connects as postgres, which is a superuser/);
    await expect(assertRestrictedRole(await connect(node.migrationUrl))).rejects.toThrow(/owns the database/);
    await expect(assertRestrictedRole(app)).resolves.toBe(node.roles.app.name);
  });

  it('refuses a table whose privileges nobody declared, granting nothing', async () => {
    const owner = await connect(node.migrationUrl);
    await owner.query('CREATE TABLE undeclared (x int)');
    try {
      await expect(prepareAppDatabase(agencyNodeDataSource, node, AGENCY_NODE_APP_PRIVILEGES)).rejects.toThrow(/no app privileges declared for the table\(s\) undeclared/);
      expect(await refusal(app, 'SELECT * FROM undeclared')).toMatchObject({ code: '42501' });
    } finally {
      await owner.query('DROP TABLE undeclared');
    }
  });
});

describe('provisioning', () => {
  it('hands a database the superuser migrated (an older deployment) over to the owner; the app role then owns nothing', async () => {
    const old = new TestDatabase(PG_URL, `shekara_${run}_old`);
    const admin = await connect(withDatabase(PG_URL, 'postgres'));
    await admin.query(`CREATE DATABASE ${old.roles.database}`);
    try {
      const legacy = agencyNodeDataSource(old.adminUrl);
      await legacy.initialize();
      await legacy.runMigrations({ transaction: 'each' });
      await legacy.destroy();
      await old.provision();
      await provisionDatabase(PG_URL, old.roles); // again: nothing changes, nothing fails
      const ds = await prepareAppDatabase(agencyNodeDataSource, old, AGENCY_NODE_APP_PRIVILEGES);
      await ds.destroy();
      const c = await connect(old.adminUrl);
      const { rows } = await c.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`);
      expect(rows).toEqual([{ tableowner: old.roles.owner.name }]);
      const oldApp = await connect(old.appUrl);
      expect(await refusal(oldApp, 'DELETE FROM audit_log')).toEqual({ code: '42501', message: 'permission denied for table audit_log' });
      await oldApp.end();
      await c.end();
    } finally {
      await old.drop();
    }
  });
});

describe('shekara db provision', () => {
  /** The command as `npx shekara db ...` runs it (its main(), in this process). */
  async function shekara(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const out = { stdout: '', stderr: '' };
    const sink = (k: 'stdout' | 'stderr') => new Writable({ write: (chunk, _e, done) => ((out[k] += String(chunk)), done()) });
    const status = await main(['db', ...args], { stdout: sink('stdout'), stderr: sink('stderr'), now: () => new Date() });
    return { status, ...out };
  }

  it('creates the roles (restricted, with the passwords of the URLs) and the database, again without harm', async () => {
    const d = new TestDatabase(PG_URL, `shekara_${run}_cli`);
    const url = (role: string, pw: string) => `postgres://${role}:${pw}@127.0.0.1:5432/${d.roles.database}`;
    try {
      for (let i = 0; i < 2; i++) {
        const r = await shekara('provision', '--admin-url', PG_URL, '--database-url', url(d.roles.app.name, 'app-pw'), '--migration-url', url(d.roles.owner.name, 'owner-pw'));
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toBe(`database ${d.roles.database}: owner ${d.roles.owner.name} (migrations), app ${d.roles.app.name}\n`);
      }
      const admin = await connect(withDatabase(PG_URL, 'postgres'));
      const { rows } = await admin.query(
        `SELECT r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolbypassrls, r.rolcanlogin, r.rolpassword IS NOT NULL AS has_password
           FROM pg_authid r WHERE r.rolname = ANY($1) ORDER BY r.rolname`,
        [[d.roles.app.name, d.roles.owner.name]],
      );
      const restricted = { rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, rolcanlogin: true, has_password: true };
      expect(rows).toEqual([
        { rolname: d.roles.app.name, ...restricted },
        { rolname: d.roles.owner.name, ...restricted },
      ]);
      const [{ owner }] = (await admin.query(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1`, [d.roles.database])).rows;
      expect(owner).toBe(d.roles.owner.name);
    } finally {
      await d.drop();
    }
  });

  it('refuses bad arguments in the language asked for, changing nothing (64)', async () => {
    const same = `postgres://shekara_x_app@127.0.0.1:5432/shekara_x`;
    const en = await shekara('provision', '--admin-url', PG_URL, '--database-url', same, '--migration-url', same);
    expect(en.status).toBe(64);
    expect(en.stderr).toContain('must connect as two different roles');
    const ru = await shekara('provision', '--lang', 'ru', '--admin-url', PG_URL, '--database-url', same);
    expect(ru.status).toBe(64);
    expect(ru.stderr).toContain('нужен параметр --migration-url');
    expect((await shekara('provision', '--admin-url', 'mysql://x', '--database-url', same, '--migration-url', same)).status).toBe(64);
  });

  it('says why the server refused (1): an administrator that may not create roles', async () => {
    const r = await shekara('provision', '--admin-url', node.appUrl, '--database-url', `postgres://shekara_${run}_z_app@127.0.0.1:5432/shekara_${run}_z`, '--migration-url', `postgres://shekara_${run}_z_owner@127.0.0.1:5432/shekara_${run}_z`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^shekara db provision: the server refused: permission denied/);
  });
});

/**
 * The other tests clone their databases from a migrated template (TestDatabase.migrate with
 * `template`) instead of running the migrations: a clone must be what the migration step makes,
 * or those tests would check the apps against other privileges than production's.
 */
describe('a test database cloned from the migrated template', () => {
  /** Owner and ACL of every relation and function of the schema, the two roles' names replaced. */
  async function shape(d: TestDatabase): Promise<string[]> {
    const admin = new Client({ connectionString: d.adminUrl });
    await admin.connect();
    const { rows } = await admin.query<{ line: string }>(
      `SELECT format('%s %s owner=%s acl=%s', c.relkind, c.relname, pg_get_userbyid(c.relowner), coalesce(c.relacl::text, '-')) AS line
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
       UNION ALL
       SELECT format('f %s owner=%s acl=%s', p.oid::regprocedure, pg_get_userbyid(p.proowner), coalesce(p.proacl::text, '-'))
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
           AND NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.objid = p.oid AND x.deptype = 'e')
       UNION ALL
       SELECT format('schema owner=%s acl=%s', pg_get_userbyid(nspowner), coalesce(nspacl::text, '-')) FROM pg_namespace WHERE nspname = 'public'
       ORDER BY 1`,
    ).finally(() => admin.end());
    return rows.map((r) => r.line.split(d.roles.app.name).join('APP').split(d.roles.owner.name).join('OWNER'));
  }

  it('has the same objects, owners and grants as a database the migration step prepared', async () => {
    const clone = new TestDatabase(PG_URL, `shekara_${run}_clone`);
    try {
      await clone.migrate(agencyNodeDataSource, AGENCY_NODE_APP_PRIVILEGES, { template: 'node' });
      const fresh = await shape(node);
      expect(fresh.length).toBeGreaterThan(40);
      expect(fresh.some((l) => /^r audit_log owner=OWNER acl=\{.*APP=/.test(l))).toBe(true);
      expect(await shape(clone)).toEqual(fresh);
      // And the app role may not see the template's owner anywhere: nothing is left to the administrator.
      expect((await shape(clone)).filter((l) => /owner=postgres/.test(l))).toEqual([]);
    } finally {
      await clone.drop();
    }
  });
});

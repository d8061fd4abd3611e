import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { Client, escapeIdentifier } from 'pg';
import type { DataSource } from 'typeorm';
import { conventionalRoles, dropProvisioned, migrateAppDatabase, provisionDatabase, roleUrls, withDatabase } from '@shekara/persistence';
import type { AppPrivileges, DatabaseRoles } from '@shekara/persistence';
import { DEFERRED_DROPS, type DeferredDrop } from './deferred-drops';

/** The machine's PostgreSQL, as its superuser: where the tests' databases are, unless a test starts its own server. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * An app's database as the tests run it (docs/database-roles.md): provisioned with the
 * administrator's URL (the shared server's superuser, or a private server's) into an owner role the
 * migrations run as and a restricted app role the app connects as, both named after the run-unique
 * database (role names are cluster-global); drop() removes the database and both roles.
 */
export class TestDatabase {
  readonly roles: DatabaseRoles;
  readonly appUrl: string;
  readonly migrationUrl: string;
  /** The administrator in this database: what a test that plays an intruder with full access uses. */
  readonly adminUrl: string;
  private provisioned = false;
  private released = false;

  constructor(
    private readonly serverAdminUrl: string,
    database: string,
  ) {
    this.roles = conventionalRoles(database);
    ({ appUrl: this.appUrl, migrationUrl: this.migrationUrl } = roleUrls(serverAdminUrl, this.roles));
    this.adminUrl = withDatabase(serverAdminUrl, database);
  }

  /** Creates the roles and the database once (idempotent on the server too). */
  async provision(): Promise<this> {
    if (this.released) throw new Error(`${this.roles.database} was released: it is dropped at the end of the run`);
    if (!this.provisioned) await provisionDatabase(this.serverAdminUrl, this.roles);
    this.provisioned = true;
    return this;
  }

  /**
   * The app's migration step, as `main.js migrate` runs it before the app starts (as the owner;
   * grants the app role `privileges`): the app itself gets only the app role's URL.
   *
   * With `template` (a label: `node`, `supervisor`), a database not provisioned yet is first cloned
   * from a template its migrations have already been applied to (cloneFromTemplate): provisioning
   * then hands the template's objects to this database's owner, and the migration step finds
   * nothing to apply and grants the privileges, as it does on an app's restart. Running the
   * migrations costs 1-2 s per database; the suite starts about 150 of them. The tests of the
   * migrations themselves (test/persistence) run them from scratch.
   */
  async migrate(dataSource: (url: string) => DataSource, privileges: AppPrivileges, o: { template?: string } = {}): Promise<this> {
    if (o.template && !this.provisioned && !this.released) await cloneFromTemplate(this.serverAdminUrl, this.roles.database, o.template, dataSource);
    await this.provision();
    await migrateAppDatabase(dataSource, { appUrl: this.appUrl, migrationUrl: this.migrationUrl }, privileges);
    return this;
  }

  async drop(): Promise<void> {
    await dropProvisioned(this.serverAdminUrl, this.roles);
    this.provisioned = false;
  }

  /**
   * A test's cleanup: the database and its roles are dropped at the end of the Jest run
   * (global-teardown.ts), or now outside one. PostgreSQL checkpoints on every DROP DATABASE, which
   * took 0.6-2 s in the middle of the suite's load, about 150 times; at the end, the drops run a few
   * at a time and share the checkpoints. A database on a test's own server is dropped now (the
   * server may be gone by then). Whoever released it may not provision it again.
   */
  async release(): Promise<void> {
    this.released = true;
    this.provisioned = false;
    const list = process.env[DEFERRED_DROPS];
    if (!list || this.serverAdminUrl !== PG_URL) return this.drop();
    appendFileSync(list, `${JSON.stringify({ adminUrl: this.serverAdminUrl, database: this.roles.database, roles: [this.roles.app.name, this.roles.owner.name] } satisfies DeferredDrop)}\n`);
  }
}

const TEMPLATE_LOCK = 0x5e4a7a02;

/**
 * The name of the template database for `dataSource`'s migrations: `shekara_tpl_<label>_<hash>`,
 * the hash over each migration's name and code, so that a changed or added migration gets a new one.
 */
function templateName(label: string, dataSource: (url: string) => DataSource): string {
  const migrations = (dataSource('postgres://template@127.0.0.1/template').options.migrations ?? []) as Array<{ name: string; prototype: { up: () => unknown; down: () => unknown } }>;
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(`${m.name}\n${String(m.prototype.up)}\n${String(m.prototype.down)}\n`);
  return `shekara_tpl_${label}_${hash.digest('hex').slice(0, 16)}`;
}

/**
 * Creates `database` as a copy of the template for `dataSource`'s migrations, building the template
 * first when the server has none for them (under an advisory lock, so that concurrent test workers
 * build it once; built under another name and renamed, so that a half-built one is never copied).
 * A template takes no connections once built (a copy needs its source unconnected) and stays for
 * the next run; one for older migrations of the same label is dropped when a new one is built.
 */
async function cloneFromTemplate(adminUrl: string, database: string, label: string, dataSource: (url: string) => DataSource): Promise<void> {
  const template = templateName(label, dataSource);
  const admin = new Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  try {
    const exists = async (name: string) => ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
    if (!(await exists(template))) {
      await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
      try {
        if (!(await exists(template))) await buildTemplate(admin, adminUrl, template, label, dataSource);
      } finally {
        await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
      }
    }
    await admin.query(`CREATE DATABASE ${escapeIdentifier(database)} TEMPLATE ${escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
}

async function buildTemplate(admin: Client, adminUrl: string, template: string, label: string, dataSource: (url: string) => DataSource): Promise<void> {
  const building = `${template}_building`;
  await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(building)} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${escapeIdentifier(building)}`);
  // Migrated as the administrator: provisioning a copy hands its objects to the copy's owner, as it
  // does for a database migrated before its roles existed (provisionDatabase).
  const ds = dataSource(withDatabase(adminUrl, building));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  await admin.query(`ALTER DATABASE ${escapeIdentifier(building)} WITH ALLOW_CONNECTIONS false`);
  await admin.query(`ALTER DATABASE ${escapeIdentifier(building)} RENAME TO ${escapeIdentifier(template)}`);
  const stale = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 AND datname <> $2`, [`shekara\\_tpl\\_${label}\\_%`, template]);
  for (const { datname } of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(datname)} WITH (FORCE)`).catch(() => undefined);
}

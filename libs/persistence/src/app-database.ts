import type { DataSource } from 'typeorm';
import { ConfigError } from '@shekara/common';
import { assertRestrictedRole, grantAppPrivileges, rolesFromUrls } from './roles';
import type { AppPrivileges } from './roles';

/** Serializes the grants of concurrent boots on one database (GRANT/REVOKE on a row at once fail). */
const GRANT_LOCK = 0x5e4a7a02;

/**
 * The app's database is behind its code: migrations declared by the code are not applied. The app
 * refuses to start (a configuration error: exit 78) until its migration step ran.
 */
export class SchemaNotCurrentError extends ConfigError {
  constructor(readonly pending: string[]) {
    super([
      `the database schema is not at the latest migration: ${pending.length} pending (${pending.join(', ')}); run the app's migration step first (\`node dist/apps/<app>/src/main.js migrate\` with DATABASE_URL and DATABASE_MIGRATION_URL; docs/database-roles.md)`,
    ]);
  }
}

/**
 * The migration step (docs/database-roles.md), run on its own before the app starts (the app's
 * `migrate` command; `npm run up`, the one-shot `db-migrate` service of docker-compose, the test
 * harnesses): the migrations run as the owner (`migrationUrl`, a connection used for nothing else
 * and closed after), which then grants the app role (of `appUrl`) exactly `privileges`, and SELECT
 * on the migrations' table, so that the app can check its schema. Resolves with the names of the
 * migrations it ran.
 */
export async function migrateAppDatabase(dataSource: (url: string) => DataSource, urls: { appUrl: string; migrationUrl: string }, privileges: AppPrivileges): Promise<string[]> {
  const roles = rolesFromUrls(urls.appUrl, urls.migrationUrl);
  const owner = dataSource(urls.migrationUrl);
  await owner.initialize();
  try {
    const ran = await owner.runMigrations({ transaction: 'each' });
    await owner.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [GRANT_LOCK]);
      await grantAppPrivileges(m, roles.app.name, privileges);
    });
    return ran.map((r) => r.name);
  } finally {
    await owner.destroy();
  }
}

/** The migrations `ds` declares that its database has not applied (read as the app role). */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const declared = ds.migrations.map((m) => m.name ?? m.constructor.name);
  let applied: Set<string>;
  try {
    const rows: { name: string }[] = await ds.query('SELECT name FROM typeorm_migrations');
    applied = new Set(rows.map((r) => r.name));
  } catch (e) {
    // No migrations' table (never migrated), or no SELECT on it (migrated by a version that did not grant it).
    if (/does not exist|permission denied/.test((e as Error).message)) return declared;
    throw e;
  }
  return declared.filter((n) => !applied.has(n));
}

/**
 * The app's boot step: opens its data source as the app role (`appUrl`, the only database URL an
 * app is given), refuses to run unless the role is restricted (not a superuser, not the owner) and
 * the schema is at the latest migration the code declares (SchemaNotCurrentError). Resolves with it.
 */
export async function openAppDatabase(dataSource: (url: string) => DataSource, appUrl: string): Promise<DataSource> {
  const app = dataSource(appUrl);
  await app.initialize();
  try {
    await assertRestrictedRole(app);
    const pending = await pendingMigrations(app);
    if (pending.length) throw new SchemaNotCurrentError(pending);
  } catch (e) {
    await app.destroy();
    throw e;
  }
  return app;
}

/** Both steps at once (tests of the roles): the migration step, then the app's boot step. */
export async function prepareAppDatabase(dataSource: (url: string) => DataSource, urls: { appUrl: string; migrationUrl: string }, privileges: AppPrivileges): Promise<DataSource> {
  await migrateAppDatabase(dataSource, urls, privileges);
  return openAppDatabase(dataSource, urls.appUrl);
}

import type { DataSource } from 'typeorm';
import { assertRestrictedRole, grantAppPrivileges, rolesFromUrls } from './roles';
import type { AppPrivileges } from './roles';

/** Serializes the grants of concurrent boots on one database (GRANT/REVOKE on a row at once fail). */
const GRANT_LOCK = 0x5e4a7a02;

/**
 * The boot's database step (docs/database-roles.md): the migrations run as the owner
 * (`migrationUrl`, a connection used for nothing else and closed after), which then grants the app
 * role exactly `privileges`; the app's own data source (`appUrl`) is opened and refused unless its
 * role is restricted (no superuser, not the owner). Resolves with the app's data source.
 */
export async function prepareAppDatabase(dataSource: (url: string) => DataSource, urls: { appUrl: string; migrationUrl: string }, privileges: AppPrivileges): Promise<DataSource> {
  const roles = rolesFromUrls(urls.appUrl, urls.migrationUrl);
  const owner = dataSource(urls.migrationUrl);
  await owner.initialize();
  try {
    await owner.runMigrations({ transaction: 'each' });
    await owner.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [GRANT_LOCK]);
      await grantAppPrivileges(m, roles.app.name, privileges);
    });
  } finally {
    await owner.destroy();
  }
  const app = dataSource(urls.appUrl);
  await app.initialize();
  try {
    await assertRestrictedRole(app);
  } catch (e) {
    await app.destroy();
    throw e;
  }
  return app;
}

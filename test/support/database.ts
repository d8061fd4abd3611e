import type { DataSource } from 'typeorm';
import { conventionalRoles, dropProvisioned, migrateAppDatabase, provisionDatabase, roleUrls, withDatabase } from '@shekara/persistence';
import type { AppPrivileges, DatabaseRoles } from '@shekara/persistence';

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
    if (!this.provisioned) await provisionDatabase(this.serverAdminUrl, this.roles);
    this.provisioned = true;
    return this;
  }

  /**
   * The app's migration step, as `main.js migrate` runs it before the app starts (as the owner;
   * grants the app role `privileges`): the app itself gets only the app role's URL.
   */
  async migrate(dataSource: (url: string) => DataSource, privileges: AppPrivileges): Promise<this> {
    await this.provision();
    await migrateAppDatabase(dataSource, { appUrl: this.appUrl, migrationUrl: this.migrationUrl }, privileges);
    return this;
  }

  async drop(): Promise<void> {
    await dropProvisioned(this.serverAdminUrl, this.roles);
    this.provisioned = false;
  }
}

import { conventionalRoles, dropProvisioned, provisionDatabase, roleUrls, withDatabase } from '@shekara/persistence';
import type { DatabaseRoles } from '@shekara/persistence';

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

  async drop(): Promise<void> {
    await dropProvisioned(this.serverAdminUrl, this.roles);
    this.provisioned = false;
  }
}

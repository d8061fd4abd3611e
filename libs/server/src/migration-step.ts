import { Matches } from 'class-validator';
import type { DataSource } from 'typeorm';
import { ConfigError, validateEnvironment } from '@shekara/common';
import type { Environment } from '@shekara/common';
import { migrateAppDatabase, rolesFromUrls } from '@shekara/persistence';
import type { AppPrivileges } from '@shekara/persistence';
import { loadConfigOrExit } from './serve';

/** What an app's migration step reads from its environment: the app role's URL and the owner's. */
export class MigrationEnvironment {
  @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://user@host:port/database' })
  DATABASE_URL: string;
  /** The owner role of the same database: the migrations run as it, and it grants DATABASE_URL's role. */
  @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://owner@host:port/database' })
  DATABASE_MIGRATION_URL: string;
}

/** The two URLs of the migration step, validated (same server and database, two different roles) or a ConfigError. */
export function loadMigrationUrls(env: Environment): { appUrl: string; migrationUrl: string } {
  const e = validateEnvironment(MigrationEnvironment, env);
  try {
    rolesFromUrls(e.DATABASE_URL, e.DATABASE_MIGRATION_URL);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  return { appUrl: e.DATABASE_URL, migrationUrl: e.DATABASE_MIGRATION_URL };
}

/**
 * The whole main() of an app's `migrate` command (docs/database-roles.md): runs the migrations as the
 * owner and grants the app role its privileges, then exits 0; 78 on a bad configuration, 1 when the
 * database refused. The app itself is then started with DATABASE_URL only.
 */
export async function runMigrationStep(service: string, env: Environment, dataSource: (url: string) => DataSource, privileges: AppPrivileges): Promise<void> {
  const urls = loadConfigOrExit(`${service} migrate`, () => loadMigrationUrls(env));
  try {
    const ran = await migrateAppDatabase(dataSource, urls, privileges);
    process.stdout.write(`${JSON.stringify({ service, msg: 'database migrated', ran })}\n`);
  } catch (err) {
    process.stderr.write(`${service} migrate: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { PrivateSecret } from '@shekara/auth';
import { ConfigError, validateEnvironment } from '@shekara/common';
import { rolesFromUrls } from '@shekara/persistence';
import { BoolEnv, ServiceEnvironment, busFromEnvironment } from '@shekara/server';
import type { Environment } from '@shekara/common';
import type { BusSettings } from '@shekara/messaging';

/** The most rows an XLSX export holds unless EXPORT_XLSX_MAX_ROWS says otherwise. */
export const EXPORT_XLSX_MAX_ROWS_DEFAULT = 100_000;

/** Environment variables of the supervisor ledger: validated once at boot. */
export class SupervisorEnvironment extends ServiceEnvironment {
  @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://user@host:port/database' })
  DATABASE_URL: string;
  /**
   * The same database as the owner role: the migrations run with it (and it grants DATABASE_URL's
   * role what the app uses); the app itself never connects with it (docs/database-roles.md).
   */
  @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://owner@host:port/database' })
  DATABASE_MIGRATION_URL: string;
  @IsInt() @Min(1) @Max(5) STREAM_REPLICAS: number = 1;
  @IsString() @PrivateSecret() JWT_SECRET: string;
  @IsInt() @Min(60) JWT_TTL_S: number = 15 * 60;
  @IsInt() @Min(600) SESSION_TTL_S: number = 24 * 3600;
  @IsInt() @Min(1000) BUS_ACK_WAIT_MS: number = 30_000;
  @BoolEnv() @IsBoolean() DEMO_USERS: boolean = false;
  /** The built supervisor console (served at /), if present. */
  @IsString() WEB_DIR: string = 'dist/web/supervisor';
  /**
   * The most rows an XLSX export holds (a spreadsheet is built whole in memory, on the event loop;
   * costs in docs/performance.md); beyond it the export is refused with EXPORT_TOO_LARGE, and CSV
   * still serves. Excel's own limit is 1,048,576 rows.
   */
  @IsInt() @Min(1) @Max(1_048_575) EXPORT_XLSX_MAX_ROWS: number = EXPORT_XLSX_MAX_ROWS_DEFAULT;
}

export interface SupervisorConfig {
  databaseUrl: string;
  /** The owner's URL: the migrations only (see DATABASE_MIGRATION_URL). */
  migrationDatabaseUrl: string;
  /** Where and as whom it connects (the `supervisor` identity on the provisioned bus). */
  nats: BusSettings;
  busPrefix: string;
  streamReplicas: number;
  http: { host: string; port: number };
  jwt: { secret: string; ttlSeconds: number; sessionTtlSeconds?: number };
  directoryPath: string;
  /** The directory authority's public key (base64 of the raw 32 bytes): the directory must be signed with it. */
  directoryAuthorityKey: string;
  logLevel: string;
  bus: { ackWaitMs: number };
  demoUsers: boolean;
  webDir: string;
  exports: ExportLimits;
}

/** Limits of the listings' file exports. */
export interface ExportLimits {
  /** The most data rows an XLSX export holds. */
  xlsxMaxRows: number;
}

export function loadSupervisorConfig(env: Environment): SupervisorConfig {
  const e = validateEnvironment(SupervisorEnvironment, env);
  try {
    rolesFromUrls(e.DATABASE_URL, e.DATABASE_MIGRATION_URL);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
  return {
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.DATABASE_MIGRATION_URL,
    nats: busFromEnvironment(e, 'supervisor', (id) => (id.kind === 'ledger' ? undefined : `not an identity of the ledger account (${id.account})`)),
    busPrefix: e.BUS_PREFIX,
    streamReplicas: e.STREAM_REPLICAS,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    jwt: { secret: e.JWT_SECRET, ttlSeconds: e.JWT_TTL_S, sessionTtlSeconds: e.SESSION_TTL_S },
    directoryPath: e.DIRECTORY_PATH,
    directoryAuthorityKey: e.DIRECTORY_AUTHORITY_KEY,
    logLevel: e.LOG_LEVEL,
    bus: { ackWaitMs: e.BUS_ACK_WAIT_MS },
    demoUsers: e.DEMO_USERS,
    webDir: e.WEB_DIR,
    exports: { xlsxMaxRows: e.EXPORT_XLSX_MAX_ROWS },
  };
}

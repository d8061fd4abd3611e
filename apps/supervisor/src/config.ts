import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PrivateSecret } from '@shekara/auth';
import { ConfigError, validateEnvironment } from '@shekara/common';
import { BoolEnv, ServiceEnvironment, busFromEnvironment, streamReplicasFromEnvironment } from '@shekara/server';
import type { Environment } from '@shekara/common';
import type { BusSettings } from '@shekara/messaging';

/** The most rows an XLSX export holds unless EXPORT_XLSX_MAX_ROWS says otherwise. */
export const EXPORT_XLSX_MAX_ROWS_DEFAULT = 100_000;

/** Environment variables of the supervisor ledger: validated once at boot. */
export class SupervisorEnvironment extends ServiceEnvironment {
  @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://user@host:port/database' })
  DATABASE_URL: string;
  /**
   * Never given to the running supervisor: the migrations are a step of their own (`main.js migrate`,
   * docs/database-roles.md), which alone gets the owner's URL. Set, it stops the boot (exit 78).
   */
  @IsOptional() @IsString() DATABASE_MIGRATION_URL?: string;
  /** Unset: as many as servers hold the service's JetStream domain (at most 3); 1 on a plain server. */
  @IsOptional() @IsInt() @Min(1) @Max(5) STREAM_REPLICAS?: number;
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
  if (e.DATABASE_MIGRATION_URL !== undefined) {
    throw new ConfigError(['DATABASE_MIGRATION_URL is for the migration step only (node dist/apps/supervisor/src/main.js migrate): the running supervisor connects with DATABASE_URL alone (docs/database-roles.md)']);
  }
  const nats = busFromEnvironment(e, 'supervisor', (id) => (id.kind === 'ledger' ? undefined : `not an identity of the ledger account (${id.account})`));
  return {
    databaseUrl: e.DATABASE_URL,
    nats,
    busPrefix: e.BUS_PREFIX,
    streamReplicas: streamReplicasFromEnvironment(nats, e.STREAM_REPLICAS),
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

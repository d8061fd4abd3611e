import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PrivateSecret } from '@shekara/auth';
import { ConfigError, validateEnvironment } from '@shekara/common';
import { rolesFromUrls } from '@shekara/persistence';
import { BoolEnv, ServiceEnvironment, busFromEnvironment, streamReplicasFromEnvironment } from '@shekara/server';
import type { BusSettings } from '@shekara/messaging';
import type { Environment } from '@shekara/common';
import { AGENCIES } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';

/** Environment variables of an agency node: validated once at boot (see .env.example). */
export class AgencyNodeEnvironment extends ServiceEnvironment {
  @IsIn(AGENCIES) SHEKARA_AGENCY: AgencyCode;
  @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://user@host:port/database' })
  DATABASE_URL: string;
  /**
   * Never given to the running node: the migrations are a step of their own (`main.js migrate`,
   * docs/database-roles.md), which alone gets the owner's URL. Set, it stops the boot (exit 78).
   */
  @IsOptional() @IsString() DATABASE_MIGRATION_URL?: string;
  /**
   * Only on a PostgreSQL server without autovacuum, and only if the outbox is to be vacuumed there
   * by the node (OUTBOX_VACUUM_MS): the owner's URL, which that round alone connects with (only a
   * table's owner may vacuum it). Unset (the default, and with autovacuum on), the node holds no
   * URL but DATABASE_URL.
   */
  @IsOptional() @Matches(/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'must be postgres://owner@host:port/database' })
  DATABASE_MAINTENANCE_URL?: string;
  /** Unset: as many as servers hold the service's JetStream domain (at most 3); 1 on a plain server. */
  @IsOptional() @IsInt() @Min(1) @Max(5) STREAM_REPLICAS?: number;
  @IsString() @PrivateSecret() JWT_SECRET: string;
  @IsInt() @Min(60) JWT_TTL_S: number = 15 * 60;
  @IsInt() @Min(600) SESSION_TTL_S: number = 24 * 3600;
  /** This agency's private keys only (mode 0600): a file naming another agency's keys stops the node. */
  @IsString() KEYS_PATH: string;
  /** How often the node looks for a newer signed version of the directory file; 0: never. */
  @IsInt() @Min(0) DIRECTORY_POLL_MS: number = 5000;
  @Matches(/^\d+(b|kb|mb)$/i) HTTP_BODY_LIMIT: string = '2mb';
  @IsInt() @Min(100) OUTBOX_POLL_MS: number = 1000;
  /**
   * Audit events for the supervisor ledger are published together (one AuditEventBatch) this long
   * after the first of them was committed, instead of each costing a publication of its own: a
   * ledger that trails by a fraction of a second loses nothing.
   */
  @IsInt() @Min(0) @Max(60_000) OUTBOX_AUDIT_DELAY_MS: number = 250;
  /**
   * Outbox rows a node writes are published by it right after their commit, without waiting for a
   * relay pass; they are due for the relay's claim only this long after they were written, as the
   * safety net (a crash between the commit and the publication, a publication that failed).
   */
  @IsInt() @Min(1000) @Max(600_000) OUTBOX_DISPATCH_GRACE_MS: number = 5000;
  @IsInt() @Min(1000) OUTBOX_RESEND_AFTER_MS: number = 30_000;
  @IsInt() @Min(1000) OUTBOX_RESEND_MAX_MS: number = 10 * 60_000;
  /**
   * On a PostgreSQL server without autovacuum, the node vacuums its outbox (a queue) and analyzes
   * its tables this often itself; 0: never. With autovacuum on, it does nothing.
   */
  @IsInt() @Min(0) OUTBOX_VACUUM_MS: number = 60_000;
  /**
   * Done outbox rows (published receipts and audit events, answered envelopes) are deleted this many
   * days after they were done; 0: kept for ever. What they held stays in the node's tables (the
   * message with its signed envelope, the recipients' statuses, the audit log) and in the ledger.
   */
  @IsInt() @Min(0) OUTBOX_RETENTION_DAYS: number = 7;
  /** How often the node deletes the done rows past OUTBOX_RETENTION_DAYS. */
  @IsInt() @Min(1000) OUTBOX_PRUNE_MS: number = 10 * 60_000;
  @IsInt() @Min(1) @Max(1000) BUS_MAX_DELIVERIES: number = 8;
  @IsInt() @Min(1000) BUS_ACK_WAIT_MS: number = 30_000;
  /**
   * Envelopes dispatched at the same moment to one agency go in one bus message (a bundle,
   * docs/protocol.md). Off (`false`): one bus message per envelope (the benchmark's on/off row).
   * A node accepts bundles either way.
   */
  @BoolEnv() @IsBoolean() BUS_BUNDLES: boolean = true;
  @BoolEnv() @IsBoolean() DEMO_USERS: boolean = false;
  /** The transparency log: a checkpoint is signed this often while the log grows (at most 10 s). */
  @IsInt() @Min(100) @Max(10_000) TLOG_CHECKPOINT_MS: number = 1000;
  /** How often every stored message is checked against its signed envelope (the scrub); 0: never. */
  @IsInt() @Min(0) TLOG_SCRUB_MS: number = 10 * 60_000;
  /**
   * Off (`false`) only for the benchmark's on/off row (issue #22): the node then appends nothing to its
   * transparency log, signs no checkpoint and scrubs nothing, so its exchange leaves no evidence. It
   * warns at boot. What it committed meanwhile is appended at the next start with the log on.
   */
  @BoolEnv() @IsBoolean() TLOG_ENABLED: boolean = true;
  /**
   * Off (`false`): reports are not filed into the person index, so no possible match is shown on them
   * (the benchmark's on/off row of the matching on received reports). Filed at the next start with it on.
   */
  @BoolEnv() @IsBoolean() PERSON_INDEX_ENABLED: boolean = true;
  /** Where `POST /api/admin/log/export` writes the `shekara verify` export (a directory per export). */
  @IsString() TLOG_EXPORT_DIR: string = 'var/tlog-export';
  /** Machine clients (docs/integration.md): lifetime of a service account's access token. */
  @IsInt() @Min(30) @Max(3600) CLIENT_TOKEN_TTL_S: number = 300;
  /** How often the node looks for webhook deliveries due. */
  @IsInt() @Min(10) @Max(60_000) WEBHOOK_POLL_MS: number = 1000;
  /** A failed webhook delivery is retried after base·2^(attempt−1), at most WEBHOOK_RETRY_MAX_MS … */
  @IsInt() @Min(10) WEBHOOK_RETRY_BASE_MS: number = 2000;
  @IsInt() @Min(10) WEBHOOK_RETRY_MAX_MS: number = 5 * 60_000;
  /** … and after this many failed attempts in a row the webhook is marked failed and stops (the feed keeps everything). */
  @IsInt() @Min(1) @Max(50) WEBHOOK_MAX_ATTEMPTS: number = 8;
  @IsInt() @Min(100) @Max(60_000) WEBHOOK_TIMEOUT_MS: number = 5000;
  /** How often feed events every open account of their unit has acknowledged (and its webhook passed) are deleted; 0: never. */
  @IsInt() @Min(0) FEED_PRUNE_MS: number = 10 * 60_000;
  /** The built duty desk console (served at /), if present. */
  @IsString() WEB_DIR: string = 'dist/web/desk';
  /** Days a data bank record is kept after its review date (out of search already) before the retention job deletes it. */
  @IsInt() @Min(0) BANK_RETENTION_GRACE_DAYS: number = 365;
  /** Period of the data bank's retention job (0: never runs). */
  @IsInt() @Min(0) BANK_RETENTION_MS: number = 6 * 3600_000;
  /** How often the node asks again for data bank attachments it still lacks (0: only when a version naming one arrives). */
  @IsInt() @Min(0) BANK_ATTACHMENT_RETRY_MS: number = 60_000;
}

export interface AgencyNodeConfig {
  agency: AgencyCode;
  databaseUrl: string;
  /** The owner's URL for the outbox's vacuum on a server without autovacuum only (DATABASE_MAINTENANCE_URL). */
  maintenanceDatabaseUrl?: string;
  /** Where and as whom the node connects (its own agency's identity on the provisioned bus). */
  nats: BusSettings;
  busPrefix: string;
  streamReplicas: number;
  http: { host: string; port: number; bodyLimit: string };
  jwt: { secret: string; ttlSeconds: number; sessionTtlSeconds?: number };
  directoryPath: string;
  /** The directory authority's public key (base64 of the raw 32 bytes). */
  directoryAuthorityKey: string;
  /** Poll period of the directory file (0: no reload). */
  directoryPollMs: number;
  keysPath: string;
  logLevel: string;
  outbox: { pollMs: number; resendAfterMs: number; resendMaxMs: number; auditDelayMs: number; dispatchGraceMs: number; vacuumMs: number; retentionDays: number; pruneMs: number };
  bus: { maxDeliveries: number; ackWaitMs: number; bundles: boolean };
  demoUsers: boolean;
  webDir: string;
  /** The transparency log (defaults: checkpoint every 1 s, scrub every 10 min). */
  tlog?: { checkpointMs: number; scrubMs: number; exportDir: string; enabled?: boolean };
  /** Filing reports into the person index (default on; see PERSON_INDEX_ENABLED). */
  persons?: { indexing: boolean };
  /** Machine clients: token lifetime, webhook retries (defaults: INTEGRATION_DEFAULTS). */
  integration?: IntegrationConfig;
  /** The data bank's retention (defaults: 365 days of grace after the review date, a run every 6 h). */
  bank?: { retentionGraceDays: number; retentionMs: number; attachmentRetryMs?: number };
}

export interface IntegrationConfig {
  clientTokenTtlS: number;
  /** How often acknowledged feed events are deleted (0: never). */
  feedPruneMs: number;
  webhook: { pollMs: number; retryBaseMs: number; retryMaxMs: number; maxAttempts: number; timeoutMs: number };
}

export const INTEGRATION_DEFAULTS: IntegrationConfig = {
  clientTokenTtlS: 300,
  feedPruneMs: 10 * 60_000,
  webhook: { pollMs: 1000, retryBaseMs: 2000, retryMaxMs: 5 * 60_000, maxAttempts: 8, timeoutMs: 5000 },
};

export function loadAgencyNodeConfig(env: Environment): AgencyNodeConfig {
  const e = validateEnvironment(AgencyNodeEnvironment, env);
  if (e.DATABASE_MIGRATION_URL !== undefined) {
    throw new ConfigError(['DATABASE_MIGRATION_URL is for the migration step only (node dist/apps/<app>/src/main.js migrate): the running node connects with DATABASE_URL alone (docs/database-roles.md)']);
  }
  if (e.DATABASE_MAINTENANCE_URL !== undefined) {
    try {
      rolesFromUrls(e.DATABASE_URL, e.DATABASE_MAINTENANCE_URL);
    } catch (err) {
      throw new ConfigError([(err as Error).message.replace('DATABASE_MIGRATION_URL', 'DATABASE_MAINTENANCE_URL')]);
    }
  }
  const nats = busFromEnvironment(
    e,
    `${e.SHEKARA_AGENCY}-node`,
    (id, bus) => (bus.topology.accounts.find((a) => a.name === id.account)?.agency === e.SHEKARA_AGENCY ? undefined : `not an identity of the ${e.SHEKARA_AGENCY} agency's account (${id.account})`),
  );
  return {
    agency: e.SHEKARA_AGENCY,
    databaseUrl: e.DATABASE_URL,
    ...(e.DATABASE_MAINTENANCE_URL ? { maintenanceDatabaseUrl: e.DATABASE_MAINTENANCE_URL } : {}),
    nats,
    busPrefix: e.BUS_PREFIX,
    streamReplicas: streamReplicasFromEnvironment(nats, e.STREAM_REPLICAS),
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, bodyLimit: e.HTTP_BODY_LIMIT },
    jwt: { secret: e.JWT_SECRET, ttlSeconds: e.JWT_TTL_S, sessionTtlSeconds: e.SESSION_TTL_S },
    directoryPath: e.DIRECTORY_PATH,
    directoryAuthorityKey: e.DIRECTORY_AUTHORITY_KEY,
    directoryPollMs: e.DIRECTORY_POLL_MS,
    keysPath: e.KEYS_PATH,
    logLevel: e.LOG_LEVEL,
    outbox: {
      pollMs: e.OUTBOX_POLL_MS,
      resendAfterMs: e.OUTBOX_RESEND_AFTER_MS,
      resendMaxMs: e.OUTBOX_RESEND_MAX_MS,
      auditDelayMs: e.OUTBOX_AUDIT_DELAY_MS,
      dispatchGraceMs: e.OUTBOX_DISPATCH_GRACE_MS,
      vacuumMs: e.OUTBOX_VACUUM_MS,
      retentionDays: e.OUTBOX_RETENTION_DAYS,
      pruneMs: e.OUTBOX_PRUNE_MS,
    },
    bus: { maxDeliveries: e.BUS_MAX_DELIVERIES, ackWaitMs: e.BUS_ACK_WAIT_MS, bundles: e.BUS_BUNDLES },
    demoUsers: e.DEMO_USERS,
    webDir: e.WEB_DIR,
    tlog: { checkpointMs: e.TLOG_CHECKPOINT_MS, scrubMs: e.TLOG_SCRUB_MS, exportDir: e.TLOG_EXPORT_DIR, enabled: e.TLOG_ENABLED },
    persons: { indexing: e.PERSON_INDEX_ENABLED },
    integration: {
      clientTokenTtlS: e.CLIENT_TOKEN_TTL_S,
      feedPruneMs: e.FEED_PRUNE_MS,
      webhook: { pollMs: e.WEBHOOK_POLL_MS, retryBaseMs: e.WEBHOOK_RETRY_BASE_MS, retryMaxMs: e.WEBHOOK_RETRY_MAX_MS, maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
    },
    bank: { retentionGraceDays: e.BANK_RETENTION_GRACE_DAYS, retentionMs: e.BANK_RETENTION_MS, attachmentRetryMs: e.BANK_ATTACHMENT_RETRY_MS },
  };
}

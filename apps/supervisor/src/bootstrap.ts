import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp, loadConfigOrExit, runMigrationStep, serveWithBus, startOrExit } from '@shekara/server';
import { AuthService, assertPrivateSecret } from '@shekara/auth';
import { Clock, JsonLogger, SystemClock } from '@shekara/common';
import type { Environment } from '@shekara/common';
import { BusNames, RpcMethod, DueEscalationsRequestSchema, DueEscalationsResponseSchema, MarkEscalatedRequestSchema, MarkEscalatedResponseSchema, VerdictsRequestSchema, VerdictsResponseSchema } from '@shekara/contracts';
import { loadSignedDirectory } from '@shekara/directory';
import { BusEndpoint, ensureStreams, exponentialRetry, manager } from '@shekara/messaging';
import { openAppDatabase } from '@shekara/persistence';
import { loadSupervisorConfig } from './config';
import type { SupervisorConfig } from './config';
import { SUPERVISOR_APP_PRIVILEGES, supervisorDataSource } from './data-source';
import { supervisorDemoUsers } from './demo-users';
import { SupervisorError, SupervisorErrorCode } from './errors';
import { SupervisorModule } from './supervisor.module';

export interface SupervisorOptions {
  clock?: Clock;
  logger?: LoggerService;
}

/**
 * Builds and starts the supervisor ledger: its database (migrated by its owner role, used as the app role), the directory, the
 * audit stream, the HTTP API, the audit-event consumer and the scheduler's request/reply methods.
 * Resolves once it serves.
 */
export async function startSupervisor(config: SupervisorConfig, options: SupervisorOptions = {}): Promise<NestExpressApplication> {
  assertPrivateSecret(config.jwt.secret);
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLogger('supervisor', config.logLevel);
  // The signed directory only (refused unless signed by the configured authority), as the nodes read it.
  const directory = loadSignedDirectory(config.directoryPath, config.directoryAuthorityKey).directory;

  // The ledger runs as the restricted app role, on a schema its migration step (`migrate`, as the
  // owner, which granted the app role what the ledger uses, its facts insert-only) brought to the
  // latest migration; it refuses to start otherwise (docs/database-roles.md).
  const dataSource = await openAppDatabase(supervisorDataSource, config.databaseUrl);

  const names = new BusNames(config.busPrefix);
  // The supervisor's identity in the LEDGER account on the hub, where the audit stream lives (docs/bus.md).
  const endpoint = BusEndpoint.of(config.nats);
  const nats = await endpoint.connect('shekara-supervisor');
  await ensureStreams(await manager(nats), [names.auditStream()], { replicas: config.streamReplicas, duplicateWindowMs: 2 * 60_000 });

  const app = await NestFactory.create<NestExpressApplication>(SupervisorModule.forRoot({ config, clock, dataSource, directory, nats, names }), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, {
    bodyLimit: '64kb',
    webDir: config.webDir,
    invalidInput: (fields) => new SupervisorError(SupervisorErrorCode.InvalidQuery, undefined, fields),
    databaseUnavailable: () => new SupervisorError(SupervisorErrorCode.DatabaseUnavailable),
    docs: {
      title: 'Shekara — supervisor ledger',
      description:
        'Compliance ledger of the three agencies’ exchange: verdicts (the same engine as `shekara audit`), on-time rates, overdue items, message timelines, exports. Supervisors and administrators only.',
    },
  });

  if (config.demoUsers) {
    const auth = app.get(AuthService);
    await auth.upsertDemoUsers(supervisorDemoUsers());
  }

  await serveWithBus(
    app,
    {
      jetstream: {
        connect: () => endpoint.connect('shekara-supervisor-ledger'),
        // No dead-letter subject: events the ledger cannot accept are kept in ledger_rejects by the
        // handler; other failures are retried without limit (see LedgerConsumer).
        // Handlers in flight: the nodes publish batches of up to 256 events (AuditEventBatch), so a
        // few fill the store's group commits (LedgerStore, 256 events each, two at once); more only
        // hold events in memory (the client buffers four messages a handler, 64 at least).
        consumers: [{ ...names.auditConsumer(), concurrency: 8 }],
        maxDeliveries: Number.MAX_SAFE_INTEGER,
        retryDelayMs: exponentialRetry(500, 60_000),
        ackWaitMs: config.bus.ackWaitMs,
      },
      rpc: {
        connect: () => endpoint.connect('shekara-supervisor-rpc'),
        names,
        target: 'supervisor',
        routes: [
          { method: RpcMethod.Verdicts, request: VerdictsRequestSchema, response: VerdictsResponseSchema },
          { method: RpcMethod.DueEscalations, request: DueEscalationsRequestSchema, response: DueEscalationsResponseSchema },
          { method: RpcMethod.MarkEscalated, request: MarkEscalatedRequestSchema, response: MarkEscalatedResponseSchema },
        ],
      },
    },
    config.http,
  );
  return app;
}

/**
 * The whole main() of the supervisor: read the environment (the only place that does), start, and
 * exit with a clear message naming the bad setting when the configuration is invalid.
 */
export async function runSupervisor(env: Environment): Promise<void> {
  const config = loadConfigOrExit('shekara-supervisor', () => loadSupervisorConfig(env));
  const logger = new JsonLogger('supervisor', config.logLevel);
  await startOrExit(logger, 'supervisor', async () => {
    const app = await startSupervisor(config, { logger });
    return { url: await app.getUrl() };
  });
}

/** The main() of the supervisor's `migrate` command: its database's migration step, run before it starts. */
export async function migrateSupervisor(env: Environment): Promise<void> {
  await runMigrationStep('shekara-supervisor', env, supervisorDataSource, SUPERVISOR_APP_PRIVILEGES);
}

import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Clock, JsonLogger, SystemClock } from '@shekara/common';
import type { Environment } from '@shekara/common';
import { BusNames, NotifyRequestSchema, NotifyResponseSchema, PrepareDraftsRequestSchema, PrepareDraftsResponseSchema, RpcMethod } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { loadAgencyKeys, loadDirectory, requireEveryUnitKey } from '@shekara/directory';
import { connectNats, ensureStreams, exponentialRetry, manager } from '@shekara/messaging';
import { ensureDatabase } from '@shekara/persistence';
import { UnitSigner } from '@shekara/security';
import { AgencyNodeModule } from './agency-node.module';
import { AuthService } from '@shekara/auth';
import { loadAgencyNodeConfig, logUnit, NodeError, NodeErrorCode } from './core';
import type { AgencyNodeConfig } from './core';
import { agencyNodeDataSource } from './data-source';
import { DEMO_PASSWORD, demoUsers } from './demo-users';
import { configureHttpApp, loadConfigOrExit, serveWithBus, startOrExit } from '@shekara/server';

export interface AgencyNodeOptions {
  clock?: Clock;
  logger?: LoggerService;
}

/**
 * Builds and starts an agency node (the same for every agency: `config.agency` selects its units,
 * keys, database and subjects): database (created and migrated), directory and keys (checked),
 * JetStream streams, the HTTP API and the JetStream consumers. Resolves once it serves.
 */
export async function startAgencyNode(config: AgencyNodeConfig, options: AgencyNodeOptions = {}): Promise<NestExpressApplication> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLogger(config.agency, config.logLevel);
  const directory = loadDirectory(config.directoryPath);
  const keys = loadAgencyKeys(config.keysPath, config.agency, directory);
  requireEveryUnitKey(keys, config.agency, directory, config.keysPath);
  const signer = new UnitSigner([...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) })));
  // The log is signed with the newest key of the agency's log unit (requireEveryUnitKey: it has one).
  const logKeyId = logUnit(directory, config.agency).keys.map((k) => k.keyId).filter((id) => keys.has(id)).pop();
  if (!logKeyId) throw new Error(`${config.keysPath} holds no key of ${logUnit(directory, config.agency).id}, the log unit of ${config.agency}`);
  const logKey = keys.get(logKeyId)!;

  await ensureDatabase(config.databaseUrl);
  const dataSource = agencyNodeDataSource(config.databaseUrl);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });

  const names = new BusNames(config.busPrefix);
  const natsSettings = { servers: config.nats.servers, user: config.nats.user, pass: config.nats.pass, name: `shekara-${config.agency}` };
  const nats = await connectNats(natsSettings);
  await ensureStreams(await manager(nats), names.allStreams(), { replicas: config.streamReplicas, duplicateWindowMs: 2 * 60_000 });

  const app = await NestFactory.create<NestExpressApplication>(AgencyNodeModule.forRoot({ config, clock, dataSource, directory, signer, nats, names, logKey }), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  configureHttpApp(app, {
    bodyLimit: config.http.bodyLimit,
    webDir: config.webDir,
    invalidInput: (fields) => new NodeError(NodeErrorCode.InvalidBody, undefined, fields),
    databaseUnavailable: () => new NodeError(NodeErrorCode.DatabaseUnavailable),
    docs: {
      title: `Shekara — ${config.agency} node`,
      description: 'Duty desk API of an agency node. Message bodies follow the shekara.v1 protobuf contract (proto JSON form).',
    },
  });

  if (config.demoUsers) {
    const auth = app.get(AuthService);
    for (const u of demoUsers(config.agency)) await auth.upsertUser({ ...u, password: DEMO_PASSWORD });
  }

  await serveWithBus(
    app,
    {
      jetstream: {
        nats: { ...natsSettings, name: `shekara-${config.agency}-consumer` },
        consumers: [
          { ...names.inboxConsumer(config.agency), deadLetterSubject: names.deadLetterSubject(config.agency), concurrency: 256 },
          names.deadLetterConsumer(config.agency),
        ],
        maxDeliveries: config.bus.maxDeliveries,
        retryDelayMs: exponentialRetry(500, 60_000),
        ackWaitMs: config.bus.ackWaitMs,
      },
      rpc: {
        nats: natsSettings,
        names,
        target: config.agency,
        routes: [
          { method: RpcMethod.PrepareDrafts, request: PrepareDraftsRequestSchema, response: PrepareDraftsResponseSchema },
          { method: RpcMethod.Notify, request: NotifyRequestSchema, response: NotifyResponseSchema },
        ],
      },
    },
    config.http,
  );
  return app;
}

/**
 * The whole main() of an agency app: read the environment (the only place that does), start, and
 * exit with a clear message naming the bad setting when the configuration is invalid.
 */
export async function runAgencyNode(agency: AgencyCode, env: Environment): Promise<void> {
  const config = loadConfigOrExit(`shekara-${agency}`, () => loadAgencyNodeConfig({ ...env, SHEKARA_AGENCY: agency }));
  const logger = new JsonLogger(agency, config.logLevel);
  await startOrExit(logger, 'agency node', async () => {
    const app = await startAgencyNode(config, { logger });
    return { agency, url: await app.getUrl() };
  });
}

import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Clock, JsonLogger, SystemClock } from '@shekara/common';
import type { Environment } from '@shekara/common';
import { BusNames, NotifyRequestSchema, NotifyResponseSchema, PrepareDraftsRequestSchema, PrepareDraftsResponseSchema, RpcMethod } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import { DirectoryReloader, LiveDirectory, loadAgencyKeys, loadSignedDirectory, requireEveryUnitKey } from '@shekara/directory';
import type { Directory } from '@shekara/directory';
import { BusEndpoint, ensureStreams, exponentialRetry, manager } from '@shekara/messaging';
import { openAppDatabase } from '@shekara/persistence';
import { UnitSigner } from '@shekara/security';
import type { UnitKey } from '@shekara/security';
import { AgencyNodeModule } from './agency-node.module';
import { AuthService, assertPrivateSecret } from '@shekara/auth';
import { loadAgencyNodeConfig, logUnit, NodeError, NodeErrorCode, NodeMetrics } from './core';
import type { AgencyNodeConfig } from './core';
import { agencyNodeDataSource } from './data-source';
import { AGENCY_NODE_APP_PRIVILEGES } from './store/privileges';
import { demoUsers } from './demo-users';
import { configureHttpApp, loadConfigOrExit, runMigrationStep, serveWithBus, startOrExit } from '@shekara/server';

export interface AgencyNodeOptions {
  clock?: Clock;
  logger?: LoggerService;
}

/**
 * Builds and starts an agency node (the same for every agency: `config.agency` selects its units,
 * keys, database and subjects): database (migrated by its owner role, used as the app role), directory and keys (checked),
 * JetStream streams, the HTTP API and the JetStream consumers. Resolves once it serves.
 */
export async function startAgencyNode(config: AgencyNodeConfig, options: AgencyNodeOptions = {}): Promise<NestExpressApplication> {
  assertPrivateSecret(config.jwt.secret);
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLogger(config.agency, config.logLevel);
  // The signed directory (refused unless signed by the configured authority) and this agency's keys
  // only (refused if the file is another agency's, names a key of another agency, or is not 0600).
  const signed = loadSignedDirectory(config.directoryPath, config.directoryAuthorityKey);
  const live = new LiveDirectory(signed.directory);
  const directory = live.directory;
  const own = ownKeys(config, signed.directory);
  const signer = new UnitSigner(own, (unitId) => directory.signingKeyAt(unitId, clock.now())?.keyId);
  // The log is signed with the newest key of the agency's log unit held here (checkpoints and cosignatures).
  const held = new Map(own.map((k) => [k.keyId, k.privateKey]));
  const logKeyId = logUnit(directory, config.agency).keys.map((k) => k.keyId).filter((id) => held.has(id)).pop();
  if (!logKeyId) throw new Error(`${config.keysPath} holds no key of ${logUnit(directory, config.agency).id}, the log unit of ${config.agency}`);
  const logKey = held.get(logKeyId)!;
  // A newer version is taken only with this agency's key file checked against it (a key added to
  // both is used at once); if the keys do not match it, the version is refused and nothing changes.
  const directoryReloader = new DirectoryReloader(config.directoryPath, config.directoryAuthorityKey, signed, (next) => {
    signer.replaceKeys(ownKeys(config, next.directory));
    live.replace(next.directory);
  });

  // The node runs as the restricted app role, on a schema its migration step (`migrate`, as the
  // owner, which granted the app role what the node uses) brought to the latest migration; it
  // refuses to start otherwise (docs/database-roles.md; the database and roles: shekara db provision).
  const dataSource = await openAppDatabase(agencyNodeDataSource, config.databaseUrl);

  const names = new BusNames(config.busPrefix);
  // The node's own identity on its agency's server; its streams (inbox from every sender, dead
  // letters) live in its own account and JetStream domain (docs/bus.md).
  const endpoint = BusEndpoint.of(config.nats);
  const nats = await endpoint.connect(`shekara-${config.agency}`);
  await ensureStreams(await manager(nats), names.ownStreams(config.agency), { replicas: config.streamReplicas, duplicateWindowMs: 2 * 60_000 });

  const app = await NestFactory.create<NestExpressApplication>(AgencyNodeModule.forRoot({ config, clock, dataSource, directory, directoryReloader, signer, nats, names, logKey }), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  const metrics = app.get(NodeMetrics);
  configureHttpApp(app, {
    requestTimer: (method, route, status, seconds) => metrics.httpDuration.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds),
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
    await auth.upsertDemoUsers(demoUsers(config.agency));
  }

  await serveWithBus(
    app,
    {
      jetstream: {
        connect: () => endpoint.connect(`shekara-${config.agency}-consumer`),
        consumers: [
          { ...names.inboxFromConsumer(config.agency), deadLetterSubject: names.deadLetterSubject(config.agency), concurrency: 256 },
          names.ownDeadLetterConsumer(config.agency),
        ],
        maxDeliveries: config.bus.maxDeliveries,
        retryDelayMs: exponentialRetry(500, 60_000),
        ackWaitMs: config.bus.ackWaitMs,
      },
      rpc: {
        connect: () => endpoint.connect(`shekara-${config.agency}-rpc`),
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

/** This agency's private keys, checked against `directory` (every unit of the agency has one). */
function ownKeys(config: AgencyNodeConfig, directory: Directory): UnitKey[] {
  const keys = loadAgencyKeys(config.keysPath, config.agency, directory);
  requireEveryUnitKey(keys, config.agency, directory, config.keysPath);
  return [...keys].map(([keyId, privateKey]) => ({ keyId, privateKey, unitId: directory.keyOwner(keyId) }));
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

/**
 * The main() of an agency app's `migrate` command: the migration step of its database (as the owner,
 * DATABASE_MIGRATION_URL; grants DATABASE_URL's role what the node uses), run before the node starts.
 */
export async function migrateAgencyNode(agency: AgencyCode, env: Environment): Promise<void> {
  await runMigrationStep(`shekara-${agency}`, env, agencyNodeDataSource, AGENCY_NODE_APP_PRIVILEGES);
}

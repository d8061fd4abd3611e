import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Clock, JsonLogger, SystemClock } from '@shekara/common';
import type { Environment } from '@shekara/common';
import { BusNames } from '@shekara/contracts';
import { loadSignedDirectory } from '@shekara/directory';
import { BusEndpoint, closeConnection } from '@shekara/messaging';
import { loadConfigOrExit, startOrExit } from '@shekara/server';
import { POLICIES as ALL_POLICIES, policyAt } from '@shekara/policy';
import type { Policy } from '@shekara/policy';
import { NatsSchedulerBus } from './bus.client';
import { loadSchedulerConfig } from './config';
import type { SchedulerConfig } from './config';
import { QueueName } from './queues';
import { SchedulerModule } from './scheduler.module';
import { JOB_OPTIONS, SchedulesService } from './schedules.service';
import { DEFAULT_TIMETABLE, assertValidTimetable } from './timetable';
import type { Timetable } from './timetable';

export interface SchedulerOptions {
  clock?: Clock;
  logger?: LoggerService;
  policies?: readonly Policy[];
  timetable?: Timetable;
  /** Run the missed window phases at boot (default true). Tests that force runs by hand turn it off to see only theirs. */
  catchUp?: boolean;
}

export interface RunningScheduler {
  app: NestExpressApplication;
  queues: Map<QueueName, Queue>;
  redis: Redis;
  nats: NatsConnection;
  schedules: SchedulesService;
  /** Stops the workers (active jobs finish), the HTTP server, then the connections. */
  close(): Promise<void>;
}

/**
 * Starts the scheduler: directory and policy checked, Redis and NATS connected, workers started
 * (refusing to start when a job has no handler or two), Job Schedulers upserted for every zone,
 * missed window phases caught up, the escalation sweep run once, HTTP (/health, /metrics) served.
 */
export async function startScheduler(config: SchedulerConfig, options: SchedulerOptions = {}): Promise<RunningScheduler> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLogger('scheduler', config.logLevel);
  const policies = options.policies ?? ALL_POLICIES;
  const timetable = options.timetable ?? DEFAULT_TIMETABLE;
  assertValidTimetable(policyAt(policies, clock.now()), timetable);
  // The signed directory only (refused unless signed by the configured authority), as the nodes read it.
  const directory = loadSignedDirectory(config.directoryPath, config.directoryAuthorityKey).directory;

  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, connectionName: 'shekara-scheduler' });
  const queues = new Map<QueueName, Queue>();
  let nats: NatsConnection | undefined;
  let app: NestExpressApplication | undefined;
  const closeConnections = async () => {
    for (const q of queues.values()) await q.close().catch(() => undefined);
    redis.disconnect();
    await closeConnection(nats);
  };
  try {
    for (const name of Object.values(QueueName)) {
      const queue = new Queue(name, { connection: redis, prefix: config.queuePrefix, defaultJobOptions: JOB_OPTIONS });
      await queue.waitUntilReady();
      queues.set(name, queue);
    }
    // The scheduler's identity: it may only call its granted RPCs, as itself (`from.<identity>`).
    const endpoint = BusEndpoint.of(config.nats);
    nats = await endpoint.connect('shekara-scheduler');
    const bus = new NatsSchedulerBus(nats, new BusNames(config.busPrefix), config.rpcTimeoutMs, endpoint.identity);

    app = await NestFactory.create<NestExpressApplication>(SchedulerModule.forRoot({ config, clock, directory, policies, timetable, redis, nats, bus, queues }), { logger, abortOnError: false });
    await app.init();
    const schedules = app.get(SchedulesService);
    await schedules.ensure({ catchUp: options.catchUp ?? true });
    schedules.startWatchdog();
    await app.listen(config.http.port, config.http.host);
    const started = app;
    return {
      app: started,
      queues,
      redis,
      nats,
      schedules,
      close: async () => {
        await started.close();
        await closeConnections();
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await closeConnections();
    throw err;
  }
}

/** The whole main(): read the environment (the only place that does), start, stop on SIGTERM/SIGINT. */
export async function runScheduler(env: Environment): Promise<void> {
  const config = loadConfigOrExit('shekara-scheduler', () => loadSchedulerConfig(env));
  const logger = new JsonLogger('scheduler', config.logLevel);
  await startOrExit(logger, 'scheduler', async () => {
    const running = await startScheduler(config, { logger });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log({ msg: 'scheduler stopping', signal });
      void running.close().finally(() => {
        logger.pino.flush();
        setTimeout(() => process.exit(0), 100);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    return { url: await running.app.getUrl(), queuePrefix: config.queuePrefix, busPrefix: config.busPrefix };
  });
}

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JsonLogger } from '@shekara/common';
import { dropDatabase, withDatabase } from '@shekara/persistence';
import { startSupervisor } from '../../apps/supervisor/src/bootstrap';
import { EXPORT_XLSX_MAX_ROWS_DEFAULT } from '../../apps/supervisor/src/config';
import type { SupervisorConfig } from '../../apps/supervisor/src/config';
import type { SchedulerConfig } from '../../apps/scheduler/src/config';
import { startScheduler } from '../../apps/scheduler/src/bootstrap';
import type { RunningScheduler, SchedulerOptions } from '../../apps/scheduler/src/bootstrap';
import { NATS_URL, PG_URL } from '../support/harness';
import type { TestSystem } from '../support/harness';

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The private redis-server (and freePort) moved to test/support/processes.ts, shared with test/resilience.
export { PrivateRedis, freePort } from '../support/processes';

/** The scheduler's configuration for a test system (its bus prefix and directory). */
export function schedulerConfig(sys: TestSystem, overrides: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return {
    redisUrl: SHARED_REDIS_URL,
    queuePrefix: `${sys.runId}-q`,
    nats: { servers: [NATS_URL] },
    busPrefix: sys.runId,
    directoryPath: sys.files.directoryPath,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    http: { host: '127.0.0.1', port: 0 },
    sweepEveryMs: 1000,
    escalationHorizonS: 600,
    rpcTimeoutMs: 10_000,
    concurrency: 4,
    ...overrides,
  };
}

export async function startTestScheduler(config: SchedulerConfig, options: SchedulerOptions = {}): Promise<RunningScheduler> {
  return startScheduler(config, { logger: new JsonLogger('scheduler-test', config.logLevel), ...options });
}

/** Removes every key of the scheduler's queues (its own prefix) from a Redis. */
export async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/** The real supervisor ledger for a test system: its own database, the system's bus prefix. */
export class TestSupervisor {
  app?: NestExpressApplication;
  constructor(private readonly sys: TestSystem) {}

  get databaseUrl(): string {
    return withDatabase(PG_URL, `shekara_${this.sys.runId}_supervisor`);
  }

  config(): SupervisorConfig {
    return {
      databaseUrl: this.databaseUrl,
      nats: { servers: [NATS_URL] },
      busPrefix: this.sys.runId,
      streamReplicas: 1,
      http: { host: '127.0.0.1', port: 0 },
      jwt: { secret: `test-supervisor-${randomBytes(16).toString('hex')}`, ttlSeconds: 3600 },
      directoryPath: this.sys.files.directoryPath,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
      bus: { ackWaitMs: 5_000 },
      demoUsers: false,
      webDir: 'dist/web/supervisor',
      exports: { xlsxMaxRows: EXPORT_XLSX_MAX_ROWS_DEFAULT },
    };
  }

  async start(): Promise<this> {
    this.app = await startSupervisor(this.config(), { logger: new JsonLogger('supervisor-test', process.env.TEST_LOG_LEVEL ?? 'silent') });
    return this;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async cleanup(): Promise<void> {
    await this.stop();
    await dropDatabase(this.databaseUrl).catch(() => undefined);
  }
}

import { Redis } from 'ioredis';
import type { Job, Queue } from 'bullmq';
import { JsonLogger } from '@shekara/common';
import { readAuthorityPublicKey } from '@shekara/directory';
import type { SchedulerConfig } from '../../apps/scheduler/src/config';
import { startScheduler } from '../../apps/scheduler/src/bootstrap';
import type { RunningScheduler, SchedulerOptions } from '../../apps/scheduler/src/bootstrap';
import type { TestSystem } from '../support/harness';
import { eventually } from '../support/harness';

export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// The private redis-server (and freePort) moved to test/support/processes.ts, shared with test/resilience.
export { PrivateRedis, freePort } from '../support/processes';

/** The scheduler's configuration for a test system (its bus, as the `scheduler` identity, and directory); the system's bus must be started. */
export function schedulerConfig(sys: TestSystem, overrides: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return {
    redisUrl: SHARED_REDIS_URL,
    queuePrefix: `${sys.runId}-q`,
    nats: sys.bus.settings('scheduler'),
    busPrefix: sys.runId,
    directoryPath: sys.files.directoryPath,
    directoryAuthorityKey: readAuthorityPublicKey(sys.files.authorityPublicKeyPath),
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

/**
 * The job `id` once completed, read after its state says so: a Job read before it completed keeps
 * the returnvalue it had then (null), so its state alone would hand back a stale object. Throws with
 * the reason if it failed.
 */
export function finishedJob(queue: Queue, id: string, timeoutMs: number, what = `job ${id} to complete`): Promise<Job> {
  return eventually(async () => {
    const state = await queue.getJobState(id);
    if (state === 'failed') throw new Error(`job ${id} failed: ${(await queue.getJob(id))?.failedReason}`);
    return state === 'completed' ? queue.getJob(id) : undefined;
  }, timeoutMs, what);
}

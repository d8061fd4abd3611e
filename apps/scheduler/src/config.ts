import { IsInt, Matches, Max, Min } from 'class-validator';
import { validateEnvironment } from '@shekara/common';
import { ServiceEnvironment, busFromEnvironment } from '@shekara/server';
import type { Environment } from '@shekara/common';
import type { BusSettings } from '@shekara/messaging';

/** Environment variables of the scheduler: validated once at boot (main.ts hands them in). */
export class SchedulerEnvironment extends ServiceEnvironment {
  @Matches(/^rediss?:\/\/.+/, { message: 'must be redis://[user:pass@]host:port[/db]' }) REDIS_URL: string = 'redis://127.0.0.1:6379';
  /** BullMQ key prefix (`<prefix>:<queue>:…`): isolates deployments and test runs on one Redis. */
  @Matches(/^[a-z][a-z0-9_-]*$/) QUEUE_PREFIX: string = 'shekara';
  override HTTP_PORT: number = 3020;
  /** How often the escalation sweep (and the schedulers' watchdog) runs. */
  @IsInt() @Min(1000) SWEEP_EVERY_MS: number = 60_000;
  /** The sweep also enqueues urgent reports due within this many seconds (as delayed jobs). */
  @IsInt() @Min(0) @Max(86_400) ESCALATION_HORIZON_S: number = 600;
  /** Request/reply timeout towards the nodes and the supervisor. */
  @IsInt() @Min(100) RPC_TIMEOUT_MS: number = 10_000;
  /** Jobs processed in parallel per queue. */
  @IsInt() @Min(1) @Max(64) WORKER_CONCURRENCY: number = 4;
}

export interface SchedulerConfig {
  redisUrl: string;
  queuePrefix: string;
  /** Where and as whom it connects (the `scheduler` identity on the provisioned bus). */
  nats: BusSettings;
  busPrefix: string;
  directoryPath: string;
  /** The directory authority's public key (base64 of the raw 32 bytes): the directory must be signed with it. */
  directoryAuthorityKey: string;
  logLevel: string;
  http: { host: string; port: number };
  sweepEveryMs: number;
  escalationHorizonS: number;
  rpcTimeoutMs: number;
  concurrency: number;
}

export function loadSchedulerConfig(env: Environment): SchedulerConfig {
  const e = validateEnvironment(SchedulerEnvironment, env);
  return {
    redisUrl: e.REDIS_URL,
    queuePrefix: e.QUEUE_PREFIX,
    nats: busFromEnvironment(e, 'scheduler', (id) => (id.kind === 'scheduler' ? undefined : `not an identity of the scheduler account (${id.account})`)),
    busPrefix: e.BUS_PREFIX,
    directoryPath: e.DIRECTORY_PATH,
    directoryAuthorityKey: e.DIRECTORY_AUTHORITY_KEY,
    logLevel: e.LOG_LEVEL,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    sweepEveryMs: e.SWEEP_EVERY_MS,
    escalationHorizonS: e.ESCALATION_HORIZON_S,
    rpcTimeoutMs: e.RPC_TIMEOUT_MS,
    concurrency: e.WORKER_CONCURRENCY,
  };
}

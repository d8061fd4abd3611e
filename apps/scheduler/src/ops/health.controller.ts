import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { healthController, natsCheck } from '@shekara/server';
import { NATS, REDIS } from '../tokens';

/** Health of the scheduler: Redis and NATS. */
export const HealthController = healthController<[Redis, NatsConnection]>({
  inject: [REDIS, NATS],
  checks: (redis, nc) => ({ redis: () => redis.ping(), nats: natsCheck(nc) }),
  summary: 'Readiness: Redis and NATS reachable (503 otherwise)',
});

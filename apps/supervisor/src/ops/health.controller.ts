import type { NatsConnection } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import { Public } from '@shekara/auth';
import { healthController, natsCheck } from '@shekara/server';
import { NATS } from '../tokens';

/** Health of the supervisor: PostgreSQL and NATS. */
export const HealthController = healthController<[DataSource, NatsConnection]>({
  inject: [DataSource, NATS],
  checks: (ds, nc) => ({ postgres: () => ds.query('SELECT 1'), nats: natsCheck(nc) }),
  summary: 'Readiness: PostgreSQL and NATS reachable (503 otherwise)',
  decorators: [Public()],
});

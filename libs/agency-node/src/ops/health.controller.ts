import type { NatsConnection } from '@nats-io/transport-node';
import { Public } from '@shekara/auth';
import { healthController, natsCheck } from '@shekara/server';
import { DatabaseProbe } from '../store';
import { NATS } from '../core';

/** Health of an agency node: PostgreSQL and NATS. */
export const HealthController = healthController<[DatabaseProbe, NatsConnection]>({
  inject: [DatabaseProbe, NATS],
  checks: (db, nc) => ({ postgres: () => db.ping(), nats: natsCheck(nc) }),
  summary: 'Readiness: PostgreSQL and NATS reachable (503 otherwise)',
  decorators: [Public()],
});

import { Controller, Get, Inject, Res } from '@nestjs/common';
import { natsCheck, readiness } from '@shekara/server';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { NATS, REDIS } from '../tokens';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(NATS) private readonly nc: NatsConnection,
  ) {}

  @Get('live')
  live() {
    return { status: 'up' };
  }

  /** Readiness: Redis and NATS reachable (503 otherwise). */
  @Get(['', 'ready'])
  ready(@Res({ passthrough: true }) res: Response) {
    return readiness(res, { redis: () => this.redis.ping(), nats: natsCheck(this.nc) });
  }
}

import { Controller, Get, Inject, Res } from '@nestjs/common';
import { natsCheck, readiness } from '@shekara/server';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Response } from 'express';
import { Public } from '@shekara/auth';
import { DatabaseProbe } from '../store';
import { NATS } from '../tokens';

@ApiTags('operations')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly db: DatabaseProbe,
    @Inject(NATS) private readonly nc: NatsConnection,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'up' };
  }

  @Get(['', 'ready'])
  @ApiOperation({ summary: 'Readiness: PostgreSQL and NATS reachable (503 otherwise)' })
  ready(@Res({ passthrough: true }) res: Response) {
    return readiness(res, { postgres: () => this.db.ping(), nats: natsCheck(this.nc) });
  }
}

import { Controller, Get, Inject, Res, applyDecorators } from '@nestjs/common';
import type { InjectionToken, Type } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { readiness } from './health';

export interface HealthSpec<D extends unknown[]> {
  /** What the checks need, injected in this order. */
  inject: InjectionToken[];
  /** The readiness checks by dependency name (e.g. { postgres, nats }), from the injected values. */
  checks: (...deps: D) => Record<string, () => Promise<unknown>>;
  /** What readiness checks, for the API docs. */
  summary: string;
  /** More class decorators (e.g. the auth module's @Public()). */
  decorators?: ClassDecorator[];
}

/**
 * The health controller of an app: GET /health/live (the process answers) and GET /health and
 * /health/ready (every check at once: 200 when all are up, else 503). Every app has the same one;
 * only its checks differ.
 */
export function healthController<D extends unknown[]>(spec: HealthSpec<D>): Type<unknown> {
  class HealthController {
    private readonly deps: D;
    constructor(...deps: D) {
      this.deps = deps;
    }

    @Get('live')
    @ApiOperation({ summary: 'Liveness: the process answers' })
    live() {
      return { status: 'up' };
    }

    @Get(['', 'ready'])
    @ApiOperation({ summary: spec.summary })
    ready(@Res({ passthrough: true }) res: Response) {
      return readiness(res, spec.checks(...this.deps));
    }
  }
  spec.inject.forEach((token, i) => Inject(token)(HealthController, undefined, i));
  applyDecorators(ApiTags('operations'), Controller('health'), ...(spec.decorators ?? []))(HealthController);
  return HealthController;
}

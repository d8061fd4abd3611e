import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import type { Policy } from '@shekara/policy';
import { SchedulerBus } from './bus.client';
import type { SchedulerConfig } from './config';
import { EscalateJob } from './jobs/escalate.job';
import { EscalationSweepJob } from './jobs/escalation-sweep.job';
import { WindowCloseJob } from './jobs/window-close.job';
import { WindowJobs } from './jobs/window-job';
import { WindowOpenJob } from './jobs/window-open.job';
import { WindowRemindJob } from './jobs/window-remind.job';
import { HealthController } from './ops/health.controller';
import { MetricsController } from './ops/metrics.controller';
import { SchedulerMetrics } from './ops/metrics';
import type { QueueName } from './queues';
import { SchedulesService } from './schedules.service';
import type { Timetable } from './timetable';
import { DIRECTORY, NATS, POLICIES, QUEUES, REDIS, SCHEDULER_CONFIG, TIMETABLE } from './tokens';
import { WorkersService } from './workers.service';

export interface SchedulerModuleOptions {
  config: SchedulerConfig;
  clock: Clock;
  directory: Directory;
  policies: readonly Policy[];
  timetable: Timetable;
  redis: Redis;
  nats: NatsConnection;
  bus: SchedulerBus;
  queues: Map<QueueName, Queue>;
}

/** Every job handler (one per job name; WorkersService checks this against the registry at boot). */
export const JOB_HANDLERS = [WindowOpenJob, WindowRemindJob, WindowCloseJob, EscalationSweepJob, EscalateJob];

@Module({})
export class SchedulerModule {
  static forRoot(o: SchedulerModuleOptions): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [DiscoveryModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: o.config },
        { provide: Clock, useValue: o.clock },
        { provide: DIRECTORY, useValue: o.directory },
        { provide: POLICIES, useValue: o.policies },
        { provide: TIMETABLE, useValue: o.timetable },
        { provide: REDIS, useValue: o.redis },
        { provide: NATS, useValue: o.nats },
        { provide: SchedulerBus, useValue: o.bus },
        { provide: QUEUES, useValue: o.queues },
        SchedulerMetrics,
        WindowJobs,
        ...JOB_HANDLERS,
        WorkersService,
        SchedulesService,
      ],
    };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { withLogContext } from '@shekara/common';
import type { SchedulerConfig } from './config';
import { checkJobHandlers, handledJob } from './jobs/job-handler';
import type { JobHandler } from './jobs/job-handler';
import { SchedulerMetrics } from './ops/metrics';
import { JOB_QUEUES, JobName, QueueName } from './queues';
import { REDIS, SCHEDULER_CONFIG } from './tokens';

/**
 * One BullMQ Worker per queue, dispatching each job by name to its one handler. The handlers are
 * found among the module's providers (@HandlesJob) and checked against the registry before any
 * worker starts: a job name without a handler, or with two, stops the boot.
 */
@Injectable()
export class WorkersService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('Workers');
  private readonly workers: Worker[] = [];
  private handlers = new Map<JobName, JobHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    private readonly metrics: SchedulerMetrics,
  ) {}

  onModuleInit(): void {
    const found = this.discovery
      .getProviders()
      .filter((w) => w.metatype && w.instance && handledJob(w.metatype) !== undefined)
      .map((w) => ({ name: handledJob(w.metatype as object) as string, handler: w.instance as JobHandler, owner: String(w.name) }));
    this.handlers = checkJobHandlers(found);
    for (const queue of Object.values(QueueName)) {
      const worker = new Worker(queue, (job: Job) => this.process(queue, job), {
        connection: this.redis,
        prefix: this.config.queuePrefix,
        concurrency: this.config.concurrency,
      });
      worker.on('failed', (job, err) => this.log.warn({ msg: 'job failed', queue, job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }));
      worker.on('error', (err) => this.log.error({ msg: 'worker error', queue, err: err.message }));
      this.workers.push(worker);
    }
  }

  private async process(queue: QueueName, job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler || JOB_QUEUES[job.name as JobName] !== queue) throw new UnrecoverableError(`no handler for job "${job.name}" on queue "${queue}"`);
    const end = this.metrics.jobDuration.startTimer({ job: job.name });
    return withLogContext({ correlationId: job.id }, async () => {
      try {
        const result = await handler.handle(job);
        this.metrics.jobs.inc({ job: job.name, outcome: 'completed' });
        return result;
      } catch (err) {
        this.metrics.jobs.inc({ job: job.name, outcome: 'failed' });
        throw err;
      } finally {
        end();
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
    this.workers.length = 0;
  }
}

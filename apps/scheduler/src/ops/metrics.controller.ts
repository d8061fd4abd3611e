import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { QueueName } from '../queues';
import { QUEUES } from '../tokens';
import { SchedulerMetrics } from './metrics';

const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: SchedulerMetrics,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    for (const [name, queue] of this.queues) {
      try {
        const counts = await queue.getJobCounts(...STATES);
        for (const state of STATES) this.metrics.queueJobs.set({ queue: name, state }, counts[state] ?? 0);
        this.metrics.schedulers.set({ queue: name }, await queue.getJobSchedulersCount());
      } catch {
        /* Redis down: /health says so; the other metrics are still served */
      }
    }
    return this.metrics.registry.metrics();
  }
}

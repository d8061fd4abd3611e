import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the scheduler (served at /metrics). */
@Injectable()
export class SchedulerMetrics {
  readonly registry = new Registry();
  readonly jobs = new Counter({ name: 'shekara_scheduler_jobs_total', help: 'Jobs processed', labelNames: ['job', 'outcome'], registers: [this.registry] });
  readonly jobDuration = new Histogram({
    name: 'shekara_scheduler_job_duration_seconds',
    help: 'Time to process a job',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly notifications = new Counter({ name: 'shekara_scheduler_notifications_total', help: 'Notifications newly stored at the nodes', labelNames: ['type'], registers: [this.registry] });
  readonly drafts = new Counter({ name: 'shekara_scheduler_drafts_prepared_total', help: 'Draft reports newly prepared at the nodes', labelNames: ['kind'], registers: [this.registry] });
  readonly escalations = new Counter({ name: 'shekara_scheduler_escalations_total', help: 'Urgent reports escalated (marked in the ledger for the first time)', registers: [this.registry] });
  readonly queueJobs = new Gauge({ name: 'shekara_scheduler_queue_jobs', help: 'Jobs per queue and state (at scrape time)', labelNames: ['queue', 'state'], registers: [this.registry] });
  readonly schedulers = new Gauge({ name: 'shekara_scheduler_job_schedulers', help: 'Job Schedulers per queue (at scrape time)', labelNames: ['queue'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

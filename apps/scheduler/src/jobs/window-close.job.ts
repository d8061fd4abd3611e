import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Clock } from '@shekara/common';
import { SchedulerBus } from '../bus.client';
import { OBLIGATION_CODE, owedNotifications } from '../notifications';
import { SchedulerMetrics } from '../ops/metrics';
import { JobName } from '../queues';
import { HandlesJob } from './job-handler';
import type { JobHandler } from './job-handler';
import { WindowJobs, sendByAgency } from './window-job';
import type { WindowJobData } from './window-job';

export type WindowCloseData = WindowJobData;

export interface WindowCloseResult {
  period: string;
  skipped?: string;
  missing?: number;
  notified?: number;
}

/**
 * A window closed: asks the ledger for the zone's MISSING obligations of the period and raises one
 * MISSING notification per owing unit (its node shows it to the unit's duty desk and supervisors).
 * Idempotent by notification key. Run before the window's end it does nothing.
 */
@Injectable()
@HandlesJob(JobName.WindowClose)
export class WindowCloseJob implements JobHandler<WindowCloseData, WindowCloseResult> {
  private readonly log = new Logger('WindowCloseJob');

  constructor(
    private readonly windows: WindowJobs,
    private readonly bus: SchedulerBus,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async handle(job: Job<WindowCloseData>): Promise<WindowCloseResult> {
    const { window: w } = this.windows.resolve(job, 'close');
    const now = this.clock.now();
    if (now <= w.closesAt) return { period: w.period, skipped: 'the window has not closed yet' };
    const verdicts = await this.bus.verdicts(OBLIGATION_CODE[w.obligation], w.period, w.zone, now);
    const notes = owedNotifications('missing', w, verdicts.filter((v) => this.windows.zoneOf(v.from) === w.zone), now);
    const notified = await sendByAgency(this.bus, this.windows, notes);
    this.metrics.notifications.inc({ type: 'MISSING' }, notified);
    this.log.log({ msg: 'window closed', obligation: w.obligation, period: w.period, zone: w.zone, missing: notes.length, notified });
    return { period: w.period, missing: notes.length, notified };
  }
}

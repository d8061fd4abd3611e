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

export type WindowRemindData = WindowJobData;

export interface WindowRemindResult {
  period: string;
  skipped?: string;
  owing?: number;
  notified?: number;
}

/**
 * A window closes soon: asks the ledger which obligations of the zone's units are still PENDING
 * and reminds each owing unit once (one REMINDER listing the counterparts it still owes).
 * Idempotent by notification key; after the window has closed there is nothing to remind of.
 */
@Injectable()
@HandlesJob(JobName.WindowRemind)
export class WindowRemindJob implements JobHandler<WindowRemindData, WindowRemindResult> {
  private readonly log = new Logger('WindowRemindJob');

  constructor(
    private readonly windows: WindowJobs,
    private readonly bus: SchedulerBus,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async handle(job: Job<WindowRemindData>): Promise<WindowRemindResult> {
    const { window: w } = this.windows.resolve(job, 'remind');
    const now = this.clock.now();
    if (now > w.closesAt) return { period: w.period, skipped: 'the window has closed' };
    const verdicts = await this.bus.verdicts(OBLIGATION_CODE[w.obligation], w.period, w.zone, now);
    const notes = owedNotifications('reminder', w, verdicts.filter((v) => this.windows.zoneOf(v.from) === w.zone), now);
    const notified = await sendByAgency(this.bus, this.windows, notes);
    this.metrics.notifications.inc({ type: 'REMINDER' }, notified);
    this.log.log({ msg: 'window reminders', obligation: w.obligation, period: w.period, zone: w.zone, owing: notes.length, notified });
    return { period: w.period, owing: notes.length, notified };
  }
}

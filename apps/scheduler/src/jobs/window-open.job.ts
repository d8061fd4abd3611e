import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Clock } from '@shekara/common';
import { MessageKind } from '@shekara/contracts';
import { SchedulerBus } from '../bus.client';
import { windowOpenNotification } from '../notifications';
import { SchedulerMetrics } from '../ops/metrics';
import { JobName } from '../queues';
import { HandlesJob } from './job-handler';
import type { JobHandler } from './job-handler';
import { WindowJobs, forEachAgency } from './window-job';
import type { WindowJobData } from './window-job';

export type WindowOpenData = WindowJobData;

export interface WindowOpenResult {
  period: string;
  skipped?: string;
  prepared?: number;
  existing?: number;
  notified?: number;
}

const KIND = { DAILY: MessageKind.DAILY, MONTHLY: MessageKind.MONTHLY, SEMIANNUAL: MessageKind.SEMIANNUAL } as const;

/**
 * A reporting window opens in a zone: each agency's node prepares a draft for each of its units in
 * the zone (from the unit's last day / month / half-year) and every unit gets WINDOW_OPEN.
 * Idempotent: drafts per (unit, kind, period) and notification keys are stored once by the nodes.
 * A window that has already closed is left alone (a late draft would only mislead).
 */
@Injectable()
@HandlesJob(JobName.WindowOpen)
export class WindowOpenJob implements JobHandler<WindowOpenData, WindowOpenResult> {
  private readonly log = new Logger('WindowOpenJob');

  constructor(
    private readonly windows: WindowJobs,
    private readonly bus: SchedulerBus,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async handle(job: Job<WindowOpenData>): Promise<WindowOpenResult> {
    const { policy, window: w } = this.windows.resolve(job, 'open');
    const now = this.clock.now();
    if (now > w.closesAt) return { period: w.period, skipped: 'the window has closed' };
    let prepared = 0;
    let existing = 0;
    let notified = 0;
    await forEachAgency(this.windows.unitsByAgency(policy, w.obligation, w.zone), async (agency, units) => {
      const drafts = await this.bus.prepareDrafts(agency, { kind: KIND[w.obligation], period: w.period, unitIds: units.map((u) => u.id), windowOpensAt: w.opensAt, windowClosesAt: w.closesAt });
      prepared += drafts.prepared;
      existing += drafts.existing;
      const stored = await this.bus.notify(agency, units.map((u) => windowOpenNotification(w, u.id, now)));
      notified += stored;
    });
    this.metrics.drafts.inc({ kind: w.obligation }, prepared);
    this.metrics.notifications.inc({ type: 'WINDOW_OPEN' }, notified);
    this.log.log({ msg: 'window opened', obligation: w.obligation, period: w.period, zone: w.zone, prepared, existing, notified });
    return { period: w.period, prepared, existing, notified };
  }
}

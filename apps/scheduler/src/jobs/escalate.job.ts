import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import { SchedulerBus } from '../bus.client';
import { escalationNotification } from '../notifications';
import { SchedulerMetrics } from '../ops/metrics';
import { JobName } from '../queues';
import { DIRECTORY } from '../tokens';
import { HandlesJob } from './job-handler';
import type { JobHandler } from './job-handler';

/** One urgent report to escalate (the rest is read again from the ledger when the job runs). */
export interface EscalateData {
  urgentId: string;
  senderUnit: string;
  /** reported_at + the policy's limit (ISO 8601), for operators looking at the queue. */
  due: string;
}

export interface EscalateResult {
  escalated: boolean;
  reason?: string;
  already?: boolean;
}

/**
 * Escalates an urgent report not confirmed in writing in time. Checks the ledger first: only a
 * report it still lists as due (unconfirmed, not escalated, deadline passed) is escalated — an
 * ESCALATION notification to the sender unit's node (key `escalation:<urgentId>`), then the mark
 * in the ledger. Running it again finds the mark and does nothing; a crash between the two steps
 * is repaired by the retry (the node stores the notification once).
 */
@Injectable()
@HandlesJob(JobName.Escalate)
export class EscalateJob implements JobHandler<EscalateData, EscalateResult> {
  private readonly log = new Logger('EscalateJob');

  constructor(
    private readonly bus: SchedulerBus,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
    private readonly metrics: SchedulerMetrics,
  ) {}

  async handle(job: Job<EscalateData>): Promise<EscalateResult> {
    const urgentId = job.data?.urgentId;
    if (typeof urgentId !== 'string' || urgentId === '') throw new UnrecoverableError('bad job data: urgentId');
    const now = this.clock.now();
    const item = (await this.bus.dueEscalations(now, 0)).find((i) => i.urgentId === urgentId);
    if (!item) return { escalated: false, reason: 'not due: confirmed, already escalated, or its deadline has not passed' };
    const sender = this.directory.findUnit(item.senderUnit);
    if (!sender) throw new UnrecoverableError(`sender unit ${item.senderUnit} of urgent report ${urgentId} is not in the directory`);
    const stored = await this.bus.notify(sender.agency, [escalationNotification(item, sender.zone, now)]);
    const already = await this.bus.markEscalated(urgentId, now);
    this.metrics.notifications.inc({ type: 'ESCALATION' }, stored);
    if (!already) this.metrics.escalations.inc();
    this.log.log({ msg: 'urgent report escalated', urgentId, sender: sender.id, notified: stored, already });
    return { escalated: true, already };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Clock } from '@shekara/common';
import { SchedulerBus } from '../bus.client';
import type { SchedulerConfig } from '../config';
import { JobName, QueueName, escalationJobId } from '../queues';
import { QUEUES, SCHEDULER_CONFIG } from '../tokens';
import { HandlesJob } from './job-handler';
import type { JobHandler } from './job-handler';
import type { EscalateData } from './escalate.job';

/** The sweep needs no data: it asks the ledger (PostgreSQL) what is due as of its clock. */
export type EscalationSweepData = Record<string, never>;

export interface EscalationSweepResult {
  due: number;
  enqueued: number;
}

/**
 * Re-derives due escalations from the ledger: every unconfirmed, not yet escalated urgent report
 * due by now + the horizon gets one delayed Escalate job (job id `escalate-<urgentId>`, so BullMQ
 * keeps one however often the sweep runs). A job already waiting or delayed is left alone; one that
 * finished while the ledger still lists the report as due (it failed for good, or ran before the
 * report was due) is replaced. After Redis is flushed the next sweep re-creates everything.
 */
@Injectable()
@HandlesJob(JobName.EscalationSweep)
export class EscalationSweepJob implements JobHandler<EscalationSweepData, EscalationSweepResult> {
  private readonly log = new Logger('EscalationSweepJob');

  constructor(
    private readonly bus: SchedulerBus,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'escalationHorizonS'>,
  ) {}

  async handle(_job: Job<EscalationSweepData>): Promise<EscalationSweepResult> {
    const now = this.clock.now();
    const items = await this.bus.dueEscalations(now, this.config.escalationHorizonS);
    const queue = this.queues.get(QueueName.Escalations)!;
    let enqueued = 0;
    for (const item of items) {
      const jobId = escalationJobId(item.urgentId);
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state !== 'completed' && state !== 'failed') continue;
        await existing.remove();
      }
      const dueMs = item.due ? timestampDate(item.due).getTime() : now.getTime();
      const data: EscalateData = { urgentId: item.urgentId, senderUnit: item.senderUnit, due: new Date(dueMs).toISOString() };
      await queue.add(JobName.Escalate, data, { jobId, delay: Math.max(0, dueMs - now.getTime()) });
      enqueued++;
    }
    if (items.length) this.log.log({ msg: 'escalation sweep', due: items.length, enqueued });
    return { due: items.length, enqueued };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import { policyAt } from '@shekara/policy';
import type { Policy } from '@shekara/policy';
import type { SchedulerConfig } from './config';
import type { WindowJobData } from './jobs/window-job';
import {
  ESCALATION_SWEEP_SCHEDULER_ID,
  JobName,
  QueueName,
  WINDOW_JOBS,
  bootSweepJobId,
  catchUpJobId,
  schedulerIterationJobId,
  windowSchedulerId,
} from './queues';
import { PERIODIC_OBLIGATIONS, WINDOW_PHASES, assertValidTimetable, cronPattern, levelsOf, periodAt, phaseAt, shiftPeriod, windowOf } from './timetable';
import type { PeriodicObligation, Timetable, WindowPhase } from './timetable';
import { DIRECTORY, POLICIES, QUEUES, SCHEDULER_CONFIG, TIMETABLE } from './tokens';

/** One Job Scheduler of a window phase in a zone. */
export interface WindowScheduler {
  id: string;
  obligation: PeriodicObligation;
  phase: WindowPhase;
  zone: string;
  pattern: string;
  jobName: JobName;
}

/** Job options of every window job and escalation: retried with backoff, kept a while for inspection (and as dedupe by id). */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * Redis holds nothing that cannot be rebuilt: at boot (and whenever the watchdog finds the
 * schedulers gone, e.g. after FLUSHALL) this upserts one Job Scheduler per distinct zone of the
 * directory's units, window and phase, plus the escalation sweep; removes schedulers no longer
 * wanted; runs the window phases whose iteration was missed (catch-up, by deterministic job id);
 * and runs the sweep once, which re-derives due escalations from the ledger.
 */
@Injectable()
export class SchedulesService implements OnApplicationShutdown {
  private readonly log = new Logger('Schedules');
  private watchdog?: NodeJS.Timeout;
  private checking = false;
  private catchUpEnabled = true;

  constructor(
    @Inject(QUEUES) private readonly queues: Map<QueueName, Queue>,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(POLICIES) private readonly policies: readonly Policy[],
    @Inject(TIMETABLE) private readonly timetable: Timetable,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private get windowsQueue(): Queue {
    return this.queues.get(QueueName.Windows)!;
  }
  private get escalationsQueue(): Queue {
    return this.queues.get(QueueName.Escalations)!;
  }

  /** The window schedulers wanted now: per distinct zone having units on the rule's levels. */
  windowSchedulers(policy: Policy = policyAt(this.policies, this.clock.now())): WindowScheduler[] {
    assertValidTimetable(policy, this.timetable);
    const units = this.directory.units();
    const out: WindowScheduler[] = [];
    for (const obligation of PERIODIC_OBLIGATIONS) {
      const levels = levelsOf(policy, obligation);
      const zones = [...new Set(units.filter((u) => levels.includes(u.level)).map((u) => u.zone))].sort();
      for (const zone of zones) {
        for (const phase of WINDOW_PHASES) {
          out.push({ id: windowSchedulerId(obligation, phase, zone), obligation, phase, zone, pattern: cronPattern(policy, this.timetable, obligation, phase), jobName: WINDOW_JOBS[phase] });
        }
      }
    }
    return out;
  }

  /** Everything a boot does; safe to repeat. */
  async ensure(options: { catchUp?: boolean } = {}): Promise<void> {
    this.catchUpEnabled = options.catchUp ?? this.catchUpEnabled;
    const wanted = this.windowSchedulers();
    for (const s of wanted) {
      const data: WindowJobData = { obligation: s.obligation, zone: s.zone };
      await this.windowsQueue.upsertJobScheduler(s.id, { pattern: s.pattern, tz: s.zone }, { name: s.jobName, data, opts: JOB_OPTIONS });
    }
    const ids = new Set(wanted.map((s) => s.id));
    for (const existing of await this.windowsQueue.getJobSchedulers()) {
      const id = existing.id ?? existing.key;
      if (!ids.has(id)) {
        await this.windowsQueue.removeJobScheduler(id);
        this.log.log({ msg: 'removed a job scheduler no longer wanted', id });
      }
    }
    await this.escalationsQueue.upsertJobScheduler(ESCALATION_SWEEP_SCHEDULER_ID, { every: this.config.sweepEveryMs }, { name: JobName.EscalationSweep, data: {}, opts: { ...JOB_OPTIONS, attempts: 1 } });
    const caughtUp = this.catchUpEnabled ? await this.catchUp(wanted) : 0;
    await this.escalationsQueue.add(JobName.EscalationSweep, {}, { ...JOB_OPTIONS, attempts: 3, jobId: bootSweepJobId(this.clock.nowMs()) });
    this.log.log({ msg: 'job schedulers ensured', windows: wanted.length, zones: new Set(wanted.map((s) => s.zone)).size, caughtUp });
  }

  /**
   * Enqueues the phases whose scheduled run is missing from Redis: open and remind while their
   * window is still open, and the latest close. Job ids are deterministic, so a phase is caught up
   * once; an iteration BullMQ still holds is not repeated. The handlers are idempotent anyway.
   */
  async catchUp(wanted: WindowScheduler[] = this.windowSchedulers()): Promise<number> {
    const now = this.clock.now();
    const policy = policyAt(this.policies, now);
    let added = 0;
    for (const s of wanted) {
      const current = periodAt(policy, s.obligation, 'open', now, s.zone);
      for (const period of [shiftPeriod(s.obligation, current, -1), current]) {
        const w = windowOf(policy, this.timetable, s.obligation, period, s.zone);
        const at = phaseAt(w, s.phase);
        if (at > now) continue;
        const due =
          s.phase === 'close'
            ? now < windowOf(policy, this.timetable, s.obligation, shiftPeriod(s.obligation, period, 1), s.zone).closeJobAt // the latest close
            : now <= w.closesAt; // open and remind: while the window is open
        if (!due) continue;
        if (await this.windowsQueue.getJob(schedulerIterationJobId(s.id, at.getTime()))) continue;
        const data: WindowJobData = { obligation: s.obligation, zone: s.zone, period };
        await this.windowsQueue.add(s.jobName, data, { ...JOB_OPTIONS, jobId: catchUpJobId(s.obligation, s.phase, s.zone, period) });
        added++;
      }
    }
    return added;
  }

  /** Re-ensures the schedulers every SWEEP_EVERY_MS when some are missing (Redis flushed or restarted empty). */
  startWatchdog(): void {
    this.watchdog = setInterval(() => void this.check(), this.config.sweepEveryMs);
    this.watchdog.unref();
  }

  async check(): Promise<boolean> {
    if (this.checking) return false;
    this.checking = true;
    try {
      const windows = await this.windowsQueue.getJobSchedulersCount();
      const sweep = await this.escalationsQueue.getJobScheduler(ESCALATION_SWEEP_SCHEDULER_ID);
      if (windows >= this.windowSchedulers().length && sweep) return false;
      this.log.warn({ msg: 'job schedulers missing from Redis: re-creating them', windows });
      await this.ensure();
      return true;
    } catch (err) {
      this.log.error({ msg: 'schedulers check failed', err: (err as Error).message });
      return false;
    } finally {
      this.checking = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }
}

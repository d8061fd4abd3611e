/**
 * The registry of every BullMQ queue, job name, job scheduler id and custom job id the scheduler
 * uses.
 *
 * These names are PERSISTED in Redis (keys `<QUEUE_PREFIX>:<queue>:…`, job names inside stored jobs,
 * scheduler ids as hash keys). Redis holds nothing that cannot be rebuilt from PostgreSQL, but a
 * running system has delayed jobs and schedulers under these names: never rename one casually —
 * a rename orphans the jobs already queued (they would fail with "no handler") and leaves stale
 * schedulers behind. Add new names here; never inline a queue or job name anywhere else.
 *
 * Every job name belongs to exactly one queue (JOB_QUEUES), and at boot the scheduler refuses to
 * start unless each job name has exactly one handler and each queue at least one job.
 * BullMQ refuses ':' in names and in custom job ids (except its own `repeat:<id>:<ms>`).
 */
import type { PeriodicObligation, WindowPhase } from './timetable';

export enum QueueName {
  /**
   * Reporting windows of clause 5 (DAILY, MONTHLY, SEMIANNUAL): opening (drafts + WINDOW_OPEN),
   * reminders (REMINDER) and closing (MISSING). Fed by one Job Scheduler per zone, window and phase.
   */
  Windows = 'report-windows',
  /**
   * Escalation of urgent reports not confirmed in writing in time: the sweep (a Job Scheduler
   * re-deriving due escalations from the ledger) and one delayed job per urgent report.
   */
  Escalations = 'escalations',
}

export enum JobName {
  /** A window opens: PrepareDrafts per agency for the zone's units + WINDOW_OPEN. Data: WindowJobData. */
  WindowOpen = 'window.open',
  /** A window closes soon: REMINDER to units that still owe a report. Data: WindowJobData. */
  WindowRemind = 'window.remind',
  /** A window closed: MISSING to units that did not send. Data: WindowJobData. */
  WindowClose = 'window.close',
  /** Asks the ledger for due escalations and enqueues one Escalate job each. Data: EscalationSweepData. */
  EscalationSweep = 'escalation.sweep',
  /** Escalates one unconfirmed urgent report (ESCALATION + mark in the ledger). Data: EscalateData. */
  Escalate = 'escalation.escalate',
}

/** The queue each job runs on. */
export const JOB_QUEUES: Readonly<Record<JobName, QueueName>> = {
  [JobName.WindowOpen]: QueueName.Windows,
  [JobName.WindowRemind]: QueueName.Windows,
  [JobName.WindowClose]: QueueName.Windows,
  [JobName.EscalationSweep]: QueueName.Escalations,
  [JobName.Escalate]: QueueName.Escalations,
};

export const WINDOW_JOBS: Readonly<Record<WindowPhase, JobName>> = {
  open: JobName.WindowOpen,
  remind: JobName.WindowRemind,
  close: JobName.WindowClose,
};

/** Job Scheduler id of one window phase in one zone, e.g. `daily-open@Asia/Almaty`. */
export function windowSchedulerId(obligation: PeriodicObligation, phase: WindowPhase, zone: string): string {
  return `${obligation.toLowerCase()}-${phase}@${zone}`;
}

/** Job Scheduler id of the escalation sweep. */
export const ESCALATION_SWEEP_SCHEDULER_ID = 'escalation-sweep';

/** The one Escalate job of an urgent report: BullMQ keeps one job per id, so it is enqueued once. */
export function escalationJobId(urgentId: string): string {
  return `escalate-${urgentId}`;
}

/** A window phase run at boot for an iteration the schedulers missed (Redis flushed, process down). */
export function catchUpJobId(obligation: PeriodicObligation, phase: WindowPhase, zone: string, period: string): string {
  return `catchup-${obligation.toLowerCase()}-${phase}@${zone}@${period}`;
}

/** The sweep run once at each boot. */
export function bootSweepJobId(bootMs: number): string {
  return `sweep-boot-${bootMs}`;
}

/** The id BullMQ gives a scheduler's iteration due at `ms`. */
export function schedulerIterationJobId(schedulerId: string, ms: number): string {
  return `repeat:${schedulerId}:${ms}`;
}

import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { AGENCIES } from '@shekara/contracts';
import type { AgencyCode } from '@shekara/contracts';
import type { Directory, Unit } from '@shekara/directory';
import { policyAt } from '@shekara/policy';
import type { Policy } from '@shekara/policy';
import type { NotificationSpec, SchedulerBus } from '../bus.client';
import { DIRECTORY, POLICIES, TIMETABLE } from '../tokens';
import { isPeriodOf, isPeriodicObligation, levelsOf, periodAt, windowOf } from '../timetable';
import type { PeriodicObligation, Timetable, WindowInstants, WindowPhase } from '../timetable';
import { scheduledInstant } from './job-handler';

/**
 * Data of the three window jobs (open, remind, close). The Job Schedulers' templates carry only
 * obligation and zone: each iteration acts on the period of its scheduled instant in the zone
 * (never on the processing time). Catch-up and manual runs name the period.
 */
export interface WindowJobData {
  obligation: PeriodicObligation;
  /** IANA zone: the job is for the units of the directory in this zone. */
  zone: string;
  /** "YYYY-MM-DD" | "YYYY-MM" | "YYYY-H1"/"YYYY-H2"; absent in scheduler iterations. */
  period?: string;
}

export interface ResolvedWindow {
  policy: Policy;
  window: WindowInstants;
}

/** What the window jobs share: reading the job's window and the zone's units. */
@Injectable()
export class WindowJobs {
  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(POLICIES) private readonly policies: readonly Policy[],
    @Inject(TIMETABLE) private readonly timetable: Timetable,
  ) {}

  /** The window the job is for; bad data is unrecoverable (retrying cannot fix it). */
  resolve(job: Job<WindowJobData>, phase: WindowPhase): ResolvedWindow {
    const { obligation, zone, period } = job.data ?? ({} as WindowJobData);
    if (!isPeriodicObligation(obligation)) throw new UnrecoverableError(`bad job data: obligation ${JSON.stringify(obligation)}`);
    if (!this.directory.units().some((u) => u.zone === zone)) throw new UnrecoverableError(`bad job data: no unit in zone ${JSON.stringify(zone)}`);
    if (period !== undefined && !isPeriodOf(obligation, period)) throw new UnrecoverableError(`bad job data: not a ${obligation} period: ${JSON.stringify(period)}`);
    const at = scheduledInstant(job);
    const policy = policyAt(this.policies, at);
    const p = period ?? periodAt(policy, obligation, phase, at, zone);
    return { policy, window: windowOf(policy, this.timetable, obligation, p, zone) };
  }

  /** The zone's units the obligation applies to (levels of the policy's rule), per agency. */
  unitsByAgency(policy: Policy, obligation: PeriodicObligation, zone: string): Map<AgencyCode, Unit[]> {
    const levels = levelsOf(policy, obligation);
    const out = new Map<AgencyCode, Unit[]>();
    for (const agency of AGENCIES) {
      const units = this.directory.units({ agency }).filter((u) => u.zone === zone && levels.includes(u.level));
      if (units.length) out.set(agency, units);
    }
    return out;
  }

  agencyOf(unitId: string): AgencyCode | undefined {
    return this.directory.findUnit(unitId)?.agency;
  }

  zoneOf(unitId: string): string | undefined {
    return this.directory.findUnit(unitId)?.zone;
  }
}

/**
 * Runs `fn` for every agency, all of them even when some fail, then throws if any failed (so the
 * job is retried; the calls that succeeded are idempotent).
 */
export async function forEachAgency<T>(entries: Iterable<[AgencyCode, T]>, fn: (agency: AgencyCode, value: T) => Promise<void>): Promise<void> {
  const list = [...entries];
  const results = await Promise.allSettled(list.map(([agency, value]) => fn(agency, value)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${list[i][0]}: ${(r.reason as Error)?.message ?? String(r.reason)}`] : []));
  if (failed.length) throw new Error(`failed for ${failed.join('; ')}`);
}

/** Sends notifications to the nodes of their units' agencies; returns how many were new. */
export async function sendByAgency(bus: SchedulerBus, windows: WindowJobs, notes: NotificationSpec[]): Promise<number> {
  const byAgency = new Map<AgencyCode, NotificationSpec[]>();
  for (const n of notes) {
    const agency = windows.agencyOf(n.unitId);
    if (!agency) continue;
    byAgency.set(agency, [...(byAgency.get(agency) ?? []), n]);
  }
  let stored = 0;
  await forEachAgency(byAgency, async (agency, list) => {
    const n = await bus.notify(agency, list);
    stored += n;
  });
  return stored;
}

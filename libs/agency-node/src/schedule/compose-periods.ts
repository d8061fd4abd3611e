import { addMonths, dailyWindow, halfYearOf, localDate, monthOf, monthlyWindow, policyAt, semiannualWindow } from '@shekara/policy';
import type { Policy, Window } from '@shekara/policy';

export type PeriodState = 'before' | 'open' | 'closed';

export interface ComposePeriod {
  period: string;
  opensAt: Date;
  closesAt: Date;
  /** Where now lies against the period's window: a report sent while 'closed' is late but still owed. */
  state: PeriodState;
}

/** The periods a new report of each scheduled kind is for, now, in the unit's zone. */
export interface ComposePeriods {
  now: Date;
  zone: string;
  policyId: string;
  daily: ComposePeriod;
  monthly: ComposePeriod;
  semiannual: ComposePeriod;
}

/**
 * The obligation an officer composing now is fulfilling, by the policy in force at `now`:
 * - daily: today's local date, whether its window is ahead, open or already closed (then late);
 * - monthly: the month whose window opened last (from the open day: this month; before it: last
 *   month, open until its close day, late after);
 * - semiannual: the current half-year (its window is the half itself).
 */
export function composePeriods(policies: readonly Policy[], now: Date, zone: string): ComposePeriods {
  const policy = policyAt(policies, now);
  const today = localDate(now, zone);
  const thisMonth = monthOf(today);
  const month = Number(today.slice(8, 10)) >= policy.rules.monthly.openDay ? thisMonth : addMonths(thisMonth, -1);
  const half = halfYearOf(today);
  const at = now.getTime();
  const period = (p: string, w: Window): ComposePeriod => ({
    period: p,
    opensAt: new Date(w[0]),
    closesAt: new Date(w[1]),
    state: at < w[0] ? 'before' : at <= w[1] ? 'open' : 'closed',
  });
  return {
    now,
    zone,
    policyId: policy.id,
    daily: period(today, dailyWindow(policy, today, zone)),
    monthly: period(month, monthlyWindow(policy, month, zone)),
    semiannual: period(half, semiannualWindow(half, zone)),
  };
}

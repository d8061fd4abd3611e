/**
 * Plausible times: what a report may claim about when things happened, judged against a clock
 * (the sender's when it is sent; at the recipient, against the envelope's signed creation time and
 * the recipient's own clock). Implausible times are refused, never stored: a report dated 1900 would
 * vanish from every listing, one dated 2030 would postpone its own deadline by years.
 */
import type { Policy } from './policy';
import { addDays, addMonths, dateInMonth, daysInMonth, halfYearBounds, halfYearOf, isHalfYear, isLocalDate, isMonth, localDate, monthOf, nextHalfYear, parseDate } from './time';

export enum ImplausibleTime {
  /** reportedAt of an urgent report is after the clock (beyond the skew). */
  ReportedInFuture = 'REPORTED_IN_FUTURE',
  /** reportedAt of an urgent report is older than urgentMaxAgeMs. */
  ReportedTooLongAgo = 'REPORTED_TOO_LONG_AGO',
  /** occurredAt is after reportedAt. */
  OccurredAfterReported = 'OCCURRED_AFTER_REPORTED',
  /** An advance notice's event is not ahead of the clock. */
  EventNotAhead = 'EVENT_NOT_AHEAD',
  /** A period ended more than periodLookbackDays ago, or lies beyond the next period. */
  PeriodOutOfRange = 'PERIOD_OUT_OF_RANGE',
  /** A date of birth after today. */
  BornInFuture = 'BORN_IN_FUTURE',
  /** The envelope says it was made after the recipient's clock (beyond the skew). */
  ClockSkew = 'CLOCK_SKEW',
}

/** What a report says about time, read from it by the caller (field: its dotted path in the request). */
export interface TimeClaims {
  kind: 'URGENT' | 'URGENT_CONFIRMATION' | 'DAILY' | 'MONTHLY' | 'ADVANCE' | 'SEMIANNUAL';
  reportedAt?: Date;
  occurredAt?: { field: string; at: Date };
  eventAt?: { field: string; at: Date };
  period?: { field: string; value: string };
  datesOfBirth?: { field: string; date: string }[];
}

export interface Implausible {
  field: string;
  code: ImplausibleTime;
  /** Values for the message (ISO instants, dates, bounds). */
  params: Record<string, string>;
  /** The English message (the consoles render the code and params in the user's language). */
  message: string;
}

const iso = (d: Date) => d.toISOString();

/**
 * Every implausible time in `claims`, judged at `now` in the sending unit's `zone` by `policy`.
 * Empty when all are plausible.
 */
export function implausibleTimes(claims: TimeClaims, now: Date, zone: string, policy: Policy): Implausible[] {
  const p = policy.plausibility;
  const out: Implausible[] = [];
  const latest = new Date(now.getTime() + p.clockSkewMs);
  const add = (field: string, code: ImplausibleTime, params: Record<string, string>, message: string) => out.push({ field, code, params, message });

  if (claims.kind === 'URGENT' && claims.reportedAt) {
    const earliest = new Date(now.getTime() - p.urgentMaxAgeMs);
    if (claims.reportedAt > latest) add('reportedAt', ImplausibleTime.ReportedInFuture, { latest: iso(latest) }, `reportedAt must not be after ${iso(latest)} (now, with ${p.clockSkewMs / 1000} s for clock differences)`);
    else if (claims.reportedAt < earliest) add('reportedAt', ImplausibleTime.ReportedTooLongAgo, { earliest: iso(earliest) }, `reportedAt must not be before ${iso(earliest)}: an urgent report is written down within ${p.urgentMaxAgeMs / 3_600_000} h of the oral report`);
  }
  if (claims.occurredAt && claims.reportedAt && claims.occurredAt.at > claims.reportedAt)
    add(claims.occurredAt.field, ImplausibleTime.OccurredAfterReported, { reportedAt: iso(claims.reportedAt) }, `${claims.occurredAt.field} must not be after reportedAt (${iso(claims.reportedAt)})`);
  if (claims.kind === 'ADVANCE' && claims.eventAt && claims.eventAt.at <= now)
    add(claims.eventAt.field, ImplausibleTime.EventNotAhead, { now: iso(now) }, `${claims.eventAt.field} must be ahead of now (${iso(now)}): an advance notice precedes its event`);
  if (claims.period) {
    const range = periodRange(claims.period.value, now, zone, p.periodLookbackDays);
    if (range && !range.ok)
      add(claims.period.field, ImplausibleTime.PeriodOutOfRange, { earliest: range.earliest, latest: range.latest }, `${claims.period.field} must be a period from ${range.earliest} to ${range.latest}`);
  }
  const today = localDate(now, zone);
  // A date of birth is a date in the calendar of wherever the person was born: a day of slack for zones.
  for (const b of claims.datesOfBirth ?? [])
    if (isLocalDate(b.date) && b.date > addDays(today, 1)) add(b.field, ImplausibleTime.BornInFuture, { today }, `${b.field} must not be after today (${today})`);
  return out;
}

/**
 * Whether a period (YYYY-MM-DD, YYYY-MM or YYYY-Hn) is one a report may be sent for at `now`: it
 * ended at most `lookbackDays` days ago and begins no later than the period after the current one.
 * The range is given as periods of the same form; undefined for a value of no known form.
 */
export function periodRange(period: string, now: Date, zone: string, lookbackDays: number): { ok: boolean; earliest: string; latest: string } | undefined {
  const today = localDate(now, zone);
  const oldestEnd = addDays(today, -lookbackDays);
  // (The format checks are type guards on unknown: test the value as unknown so each branch keeps its string.)
  const value: unknown = period;
  if (isLocalDate(value)) {
    const latest = addDays(today, 1);
    return { ok: period >= oldestEnd && period <= latest, earliest: oldestEnd, latest };
  }
  if (isMonth(value)) {
    const { year, month } = parseDate(`${period}-01`);
    const last = dateInMonth(period, daysInMonth(year, month));
    const earliest = monthOf(oldestEnd);
    const latest = addMonths(monthOf(today), 1);
    return { ok: last >= oldestEnd && period <= latest, earliest, latest };
  }
  if (isHalfYear(value)) {
    const earliest = halfYearOf(oldestEnd);
    const latest = nextHalfYear(halfYearOf(today));
    return { ok: halfYearBounds(period).last >= oldestEnd && period <= latest, earliest, latest };
  }
  return undefined;
}

/** An envelope made (by its signed creation time) after the recipient's clock plus the skew: the sender's clock is wrong. */
export function envelopeClockSkew(createdAt: Date, now: Date, policy: Policy): Implausible | undefined {
  const latest = new Date(now.getTime() + policy.plausibility.clockSkewMs);
  if (createdAt <= latest) return undefined;
  return { field: 'createdAt', code: ImplausibleTime.ClockSkew, params: { latest: iso(latest) }, message: `clock skew: the envelope was created at ${iso(createdAt)}, after the recipient's clock (${iso(now)}) plus ${policy.plausibility.clockSkewMs / 1000} s` };
}

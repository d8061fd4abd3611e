/**
 * Date ranges of the ledger's queries, and which stored messages a range needs. Pure.
 *
 * The verdict engine selects obligations by local date (the sending unit's zone): DAILY per date,
 * MONTHLY / SEMIANNUAL per month / half-year overlapping the range, urgent reports by local
 * reported date, advance notices by local sent date. The ledger loads exactly the messages that can
 * bear on those obligations — so the engine, given only them, returns what it would return given
 * the whole journal:
 * - DAILY with a period in the range, or without one and sent within a day of the range (the
 *   engine then files it under its local sent date);
 * - MONTHLY / SEMIANNUAL whose period is one of the range's months / half-years (late ones too,
 *   however late);
 * - URGENT reported within a day of the range, and every URGENT_CONFIRMATION of those (late ones
 *   too, however late);
 * - ADVANCE sent within a day of the range;
 * - HANDOVER_PROPOSAL handed over (event_at) within a day of the range, and every answer or
 *   withdrawal of those acts (however late).
 * "Within a day": local dates of any IANA zone lie within UTC-12..UTC+14 of the UTC date, so a
 * margin of one day on each side holds every instant whose local date is in the range.
 */
import { POLICIES, addDays, eachHalfYear, eachMonth, halfYearOf, isLocalDate, localDate, monthOf, parseDate } from '@shekara/policy';
import type { AuditRange } from '@shekara/policy';

export interface MessageSelection {
  /** DAILY periods from..to (inclusive). */
  dailyFrom: string;
  dailyTo: string;
  months: string[];
  halves: string[];
  /** Instants [lo, hi) covering every local date of the range in any zone. */
  lo: Date;
  hi: Date;
}

export function selectionFor(range: AuditRange): MessageSelection {
  return {
    dailyFrom: range.from,
    dailyTo: range.to,
    months: eachMonth(monthOf(range.from), monthOf(range.to)),
    halves: eachHalfYear(halfYearOf(range.from), halfYearOf(range.to)),
    lo: new Date(utcMidnight(range.from) - DAY_MS),
    hi: new Date(utcMidnight(range.to) + 2 * DAY_MS),
  };
}

const DAY_MS = 24 * 3600 * 1000;

function utcMidnight(date: string): number {
  const { year, month, day } = parseDate(date);
  return Date.UTC(year, month - 1, day);
}

/** Days in a range, both ends inclusive. */
export function rangeDays(range: AuditRange): number {
  return Math.round((utcMidnight(range.to) - utcMidnight(range.from)) / DAY_MS) + 1;
}

/** The first date any policy judges: nothing before it can be owed. */
export const FIRST_JUDGED_DATE = POLICIES.map((p) => p.effective.from).sort()[0];
/** How far ahead of today a range may reach (the next half-year's obligations, with room to spare). */
export const JUDGED_DAYS_AHEAD = 366;

/**
 * Why a range cannot be judged (it starts before any policy, or ends over a year from today), or
 * undefined. Stored messages may carry any date (from before the plausibility checks, or from a
 * node that does not check): the ledger keeps them and shows them, but judges only this era.
 */
export function unjudgeable(range: AuditRange, now: Date, zone: string): { field: 'from' | 'to'; message: string; code: 'NOT_JUDGED_BEFORE' | 'NOT_JUDGED_AFTER'; date: string } | undefined {
  const last = addDays(localDate(now, zone), JUDGED_DAYS_AHEAD);
  if (range.from < FIRST_JUDGED_DATE) return { field: 'from', message: `dates before ${FIRST_JUDGED_DATE} (the first policy in effect) are not judged`, code: 'NOT_JUDGED_BEFORE', date: FIRST_JUDGED_DATE };
  if (range.to > last) return { field: 'to', message: `dates after ${last} (a year from today) are not judged`, code: 'NOT_JUDGED_AFTER', date: last };
  return undefined;
}

/** The default range of a listing: the last `days` local dates up to today (in `zone`). */
export function defaultRange(now: Date, zone: string, days = 7): AuditRange {
  const to = localDate(now, zone);
  return { from: addDays(to, -(days - 1)), to };
}

/** A range from optional query values: both, or the default when both are absent. */
export function rangeOf(from: string | undefined, to: string | undefined, now: Date, zone: string): AuditRange {
  if (from === undefined && to === undefined) return defaultRange(now, zone);
  const today = localDate(now, zone);
  const t = to ?? (from! > today ? from! : today);
  const f = from ?? addDays(t, -6);
  return { from: f, to: t };
}

/**
 * The range whose verdicts hold every obligation that fell due in the last `lookbackDays` before
 * now: daily ones of those days, monthly ones whose window (to the 5th of the next month) closed
 * then, half-years that ended then, urgent reports whose 2-hour deadline passed then (plus a day
 * either side for zones).
 */
export function overdueRange(now: Date, zone: string, lookbackDays: number): AuditRange {
  const today = localDate(now, zone);
  return { from: addDays(today, -(lookbackDays + 7)), to: addDays(today, 1) };
}

/** The range that holds exactly one period's obligations ("YYYY-MM-DD", "YYYY-MM", "YYYY-H1"). */
export function rangeOfPeriod(period: string): AuditRange | undefined {
  if (isLocalDate(period)) return { from: period, to: period };
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { from: `${period}-01`, to: `${period}-01` };
  const h = /^(\d{4})-H([12])$/.exec(period);
  if (h) return h[2] === '1' ? { from: `${h[1]}-01-01`, to: `${h[1]}-01-01` } : { from: `${h[1]}-07-01`, to: `${h[1]}-07-01` };
  return undefined;
}

export const BUCKETS = ['day', 'week', 'month'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** The first date of the bucket holding `date`: itself, the Monday of its ISO week, the 1st of its month. */
export function bucketStart(date: string, bucket: Bucket): string {
  if (bucket === 'day') return date;
  if (bucket === 'month') return `${date.slice(0, 7)}-01`;
  const weekday = (new Date(utcMidnight(date)).getUTCDay() + 6) % 7; // Monday 0
  return addDays(date, -weekday);
}

/** The starts of every bucket that overlaps the range, in order. */
export function eachBucket(range: AuditRange, bucket: Bucket): string[] {
  const starts: string[] = [];
  for (let d = bucketStart(range.from, bucket); d <= range.to; ) {
    starts.push(d);
    d = bucket === 'day' ? addDays(d, 1) : bucket === 'week' ? addDays(d, 7) : `${addMonthsToDate(d)}`;
  }
  return starts;
}

function addMonthsToDate(first: string): string {
  const { year, month } = parseDate(first);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/**
 * When the scheduler acts, as pure functions of the policy (the windows of clause 5), the
 * scheduler's own timetable (reminder leads, close delay) and an IANA zone. No I/O, no clock.
 *
 * Each window has three phases, each fired by a BullMQ Job Scheduler per zone (cron with seconds,
 * `tz` = the zone, so "07:00" is 07:00 on the clocks of that zone, also across offset changes such
 * as Kazakhstan's switch to UTC+5 on 2024-03-01):
 * - open: the window's start (drafts, WINDOW_OPEN);
 * - remind: some time before the window's end (REMINDER to units that still owe);
 * - close: just after the window's inclusive end (MISSING).
 *
 * A job acts on the period its scheduled instant belongs to (periodAt), never on the period of the
 * moment it happens to be processed, so a job delayed by an outage still acts on the right day.
 */
import {
  addDays,
  addMonths,
  dailyWindow,
  dateInMonth,
  halfYearBounds,
  halfYearOf,
  isHalfYear,
  isLocalDate,
  isMonth,
  isWallTime,
  localDate,
  monthOf,
  monthlyWindow,
  nextHalfYear,
  semiannualWindow,
  zonedTimeToInstant,
} from '@shekara/policy';
import type { Level, Policy } from '@shekara/policy';

export const PERIODIC_OBLIGATIONS = ['DAILY', 'MONTHLY', 'SEMIANNUAL'] as const;
export type PeriodicObligation = (typeof PERIODIC_OBLIGATIONS)[number];
export const WINDOW_PHASES = ['open', 'remind', 'close'] as const;
export type WindowPhase = (typeof WINDOW_PHASES)[number];

export function isPeriodicObligation(s: unknown): s is PeriodicObligation {
  return (PERIODIC_OBLIGATIONS as readonly unknown[]).includes(s);
}

/** The scheduler's own schedule data (the windows themselves come from the Policy). */
export interface Timetable {
  /**
   * Close jobs run this many seconds after a window's inclusive end, so that reports sent at the
   * last moment (and their audit events) reach the ledger before MISSING is judged. 0..3599.
   */
  closeDelayS: number;
  reminders: {
    /** DAILY: seconds before the window's end (same local day). */
    dailyLeadS: number;
    /** MONTHLY: seconds before the end of the closing day (the 5th: 36 h → the 4th at 12:00). */
    monthlyLeadS: number;
    /** SEMIANNUAL: on this day of the half-year's last month (June, December), at this local time. */
    semiannual: { day: number; time: string };
  };
}

export const DEFAULT_TIMETABLE: Timetable = Object.freeze({
  closeDelayS: 60,
  reminders: Object.freeze({
    dailyLeadS: 30 * 60, // 08:30 for a window ending 09:00
    monthlyLeadS: 36 * 3600, // the 4th 12:00 for a window ending with the 5th
    semiannual: Object.freeze({ day: 1, time: '12:00:00' }), // 1 June / 1 December, 12:00
  }),
}) as Timetable;

/** The instants of one window (one obligation, period and zone). */
export interface WindowInstants {
  obligation: PeriodicObligation;
  period: string;
  zone: string;
  /** First on-time instant. */
  opensAt: Date;
  /** Last on-time instant (inclusive). */
  closesAt: Date;
  /** When the reminder job runs. */
  remindAt: Date;
  /** When the close job runs (closesAt + the close delay, on the wall clock). */
  closeJobAt: Date;
}

export class TimetableError extends Error {
  override readonly name = 'TimetableError';
}

const DAY_S = 86_400;

/** The levels the policy's rule for the obligation applies to. */
export function levelsOf(policy: Policy, obligation: PeriodicObligation): readonly Level[] {
  switch (obligation) {
    case 'DAILY':
      return policy.rules.daily.levels;
    case 'MONTHLY':
      return policy.rules.monthly.levels;
    case 'SEMIANNUAL':
      return policy.rules.semiannual.levels;
  }
}

/** Problems with the timetable for this policy (so that every phase is one cron pattern); empty when fine. */
export function validateTimetable(policy: Policy, t: Timetable): string[] {
  const errors: string[] = [];
  const { start, end } = policy.rules.daily.window;
  const endS = secondsOfWall(end);
  if (!Number.isInteger(t.closeDelayS) || t.closeDelayS < 0 || t.closeDelayS >= 3600) errors.push(`closeDelayS must be a whole number of seconds 0..3599: ${t.closeDelayS}`);
  if (endS + t.closeDelayS >= DAY_S) errors.push('the daily close job must run on the day of the window (window end + closeDelayS before midnight)');
  const dailyLead = t.reminders.dailyLeadS;
  if (!Number.isInteger(dailyLead) || dailyLead <= 0 || endS - dailyLead <= secondsOfWall(start)) errors.push(`reminders.dailyLeadS must put the reminder inside the daily window: ${dailyLead}`);
  const { openDay, closeDay } = policy.rules.monthly;
  if (closeDay + 1 >= openDay) errors.push(`monthly closeDay + 1 must come before openDay (the close job runs on day ${closeDay + 1})`);
  const monthlyLead = t.reminders.monthlyLeadS;
  if (!Number.isInteger(monthlyLead) || monthlyLead <= 0 || monthlyLead >= closeDay * DAY_S) errors.push(`reminders.monthlyLeadS must put the reminder between the 1st and the end of day ${closeDay}: ${monthlyLead}`);
  const { day, time } = t.reminders.semiannual;
  if (!Number.isInteger(day) || day < 1 || day > 30) errors.push(`reminders.semiannual.day must be 1..30: ${day}`);
  if (!isWallTime(time)) errors.push(`reminders.semiannual.time is not HH:MM:SS: ${time}`);
  return errors;
}

export function assertValidTimetable(policy: Policy, t: Timetable): void {
  const errors = validateTimetable(policy, t);
  if (errors.length) throw new TimetableError(`invalid timetable for policy ${policy.id}: ${errors.join('; ')}`);
}

/**
 * The cron pattern (6 fields: seconds first; read in the zone by BullMQ's `tz`) of one phase.
 * The same for every zone: only `tz` differs.
 */
export function cronPattern(policy: Policy, t: Timetable, obligation: PeriodicObligation, phase: WindowPhase): string {
  const { start, end } = policy.rules.daily.window;
  switch (obligation) {
    case 'DAILY': {
      const at = phase === 'open' ? secondsOfWall(start) : phase === 'remind' ? secondsOfWall(end) - t.reminders.dailyLeadS : secondsOfWall(end) + t.closeDelayS;
      return `${cronTime(at)} * * *`;
    }
    case 'MONTHLY': {
      const { openDay, closeDay } = policy.rules.monthly;
      if (phase === 'open') return `0 0 0 ${openDay} * *`;
      if (phase === 'close') return `${cronTime(t.closeDelayS)} ${closeDay + 1} * *`;
      const fromMonthStart = closeDay * DAY_S - t.reminders.monthlyLeadS;
      return `${cronTime(fromMonthStart % DAY_S)} ${Math.floor(fromMonthStart / DAY_S) + 1} * *`;
    }
    case 'SEMIANNUAL': {
      if (phase === 'open') return '0 0 0 1 1,7 *';
      if (phase === 'close') return `${cronTime(t.closeDelayS)} 1 1,7 *`;
      const { day, time } = t.reminders.semiannual;
      return `${cronTime(secondsOfWall(time))} ${day} 6,12 *`;
    }
  }
}

/** The instants of the window of `period` in `zone`. */
export function windowOf(policy: Policy, t: Timetable, obligation: PeriodicObligation, period: string, zone: string): WindowInstants {
  assertPeriod(obligation, period);
  const base = { obligation, period, zone };
  switch (obligation) {
    case 'DAILY': {
      const endS = secondsOfWall(policy.rules.daily.window.end);
      return {
        ...base,
        ...instants(dailyWindow(policy, period, zone)),
        remindAt: zonedTimeToInstant(period, wallOf(endS - t.reminders.dailyLeadS), zone),
        closeJobAt: zonedTimeToInstant(period, wallOf(endS + t.closeDelayS), zone),
      };
    }
    case 'MONTHLY': {
      const { closeDay } = policy.rules.monthly;
      const next = addMonths(period, 1);
      const fromMonthStart = closeDay * DAY_S - t.reminders.monthlyLeadS;
      return {
        ...base,
        ...instants(monthlyWindow(policy, period, zone)),
        remindAt: zonedTimeToInstant(dateInMonth(next, Math.floor(fromMonthStart / DAY_S) + 1), wallOf(fromMonthStart % DAY_S), zone),
        closeJobAt: zonedTimeToInstant(dateInMonth(next, closeDay + 1), wallOf(t.closeDelayS), zone),
      };
    }
    case 'SEMIANNUAL': {
      const { last } = halfYearBounds(period);
      const { day, time } = t.reminders.semiannual;
      return {
        ...base,
        ...instants(semiannualWindow(period, zone)),
        remindAt: zonedTimeToInstant(`${last.slice(0, 8)}${String(day).padStart(2, '0')}`, time, zone),
        closeJobAt: zonedTimeToInstant(addDays(last, 1), wallOf(t.closeDelayS), zone),
      };
    }
  }
}

/** The policy's window (the one definition the verdict engine uses too) as instants. */
function instants([opensMs, closesMs]: readonly [number, number]): { opensAt: Date; closesAt: Date } {
  return { opensAt: new Date(opensMs), closesAt: new Date(closesMs) };
}

/** The instant a phase of the window runs. */
export function phaseAt(w: WindowInstants, phase: WindowPhase): Date {
  return phase === 'open' ? w.opensAt : phase === 'remind' ? w.remindAt : w.closeJobAt;
}

/**
 * The period a phase fired at `scheduledAt` (its scheduled instant, not the processing time) is
 * for, read in `zone`: DAILY the local date; MONTHLY the month whose window contains it (the
 * reminder on the 4th and the close on the 6th are for the month before); SEMIANNUAL the half-year
 * (the close on 1 January / 1 July is for the half-year before).
 */
export function periodAt(policy: Policy, obligation: PeriodicObligation, phase: WindowPhase, scheduledAt: Date, zone: string): string {
  const date = localDate(scheduledAt, zone);
  switch (obligation) {
    case 'DAILY':
      return date;
    case 'MONTHLY':
      return Number(date.slice(8, 10)) >= policy.rules.monthly.openDay ? monthOf(date) : addMonths(monthOf(date), -1);
    case 'SEMIANNUAL':
      return phase === 'close' ? halfYearOf(addDays(date, -1)) : halfYearOf(date);
  }
}

/** The period after / before `period`. */
export function shiftPeriod(obligation: PeriodicObligation, period: string, by: 1 | -1): string {
  switch (obligation) {
    case 'DAILY':
      return addDays(period, by);
    case 'MONTHLY':
      return addMonths(period, by);
    case 'SEMIANNUAL':
      return by === 1 ? nextHalfYear(period) : previousHalfYear(period);
  }
}

export function isPeriodOf(obligation: PeriodicObligation, period: unknown): period is string {
  return obligation === 'DAILY' ? isLocalDate(period) : obligation === 'MONTHLY' ? isMonth(period) : isHalfYear(period);
}

function assertPeriod(obligation: PeriodicObligation, period: string): void {
  if (!isPeriodOf(obligation, period)) throw new TimetableError(`not a ${obligation} period: ${JSON.stringify(period)}`);
}

function previousHalfYear(h: string): string {
  const year = Number(h.slice(0, 4));
  return h.endsWith('H2') ? `${h.slice(0, 4)}-H1` : `${String(year - 1).padStart(4, '0')}-H2`;
}

function secondsOfWall(time: string): number {
  if (!isWallTime(time)) throw new TimetableError(`not a wall time HH:MM:SS: ${time}`);
  return Number(time.slice(0, 2)) * 3600 + Number(time.slice(3, 5)) * 60 + Number(time.slice(6, 8));
}

function wallOf(seconds: number): string {
  if (seconds < 0 || seconds >= DAY_S) throw new TimetableError(`time of day out of range: ${seconds} s`);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(seconds / 3600))}:${p(Math.floor(seconds / 60) % 60)}:${p(seconds % 60)}`;
}

/** "s m h" of a time of day in seconds. */
function cronTime(seconds: number): string {
  if (seconds < 0 || seconds >= DAY_S) throw new TimetableError(`time of day out of range: ${seconds} s`);
  return `${seconds % 60} ${Math.floor(seconds / 60) % 60} ${Math.floor(seconds / 3600)}`;
}

/**
 * Reporting windows of the periodic obligations, in the sending unit's local time. The one place
 * that turns the policy's window data into instants: the verdict engine, the agency nodes' "due
 * now" view and the scheduler all use these.
 */
import type { Policy } from './policy';
import { addMonths, dateInMonth, endOfLocalDay, halfYearBounds, startOfLocalDay, zonedTimeToInstant } from './time';

/** [opens, closes] in epoch milliseconds, both inclusive. */
export type Window = readonly [opensMs: number, closesMs: number];

/** The DAILY window of a local date ("YYYY-MM-DD"). */
export function dailyWindow(policy: Policy, date: string, zone: string): Window {
  const { start, end } = policy.rules.daily.window;
  return [zonedTimeToInstant(date, start, zone).getTime(), zonedTimeToInstant(date, end, zone).getTime()];
}

/** The MONTHLY window of month M ("YYYY-MM"): openDay of M 00:00 to the end of closeDay of M+1. */
export function monthlyWindow(policy: Policy, month: string, zone: string): Window {
  const { openDay, closeDay } = policy.rules.monthly;
  return [startOfLocalDay(dateInMonth(month, openDay), zone).getTime(), endOfLocalDay(dateInMonth(addMonths(month, 1), closeDay), zone).getTime()];
}

/** The SEMIANNUAL window of a half-year ("YYYY-H1"/"YYYY-H2"): the half-year itself. */
export function semiannualWindow(halfYear: string, zone: string): Window {
  const { first, last } = halfYearBounds(halfYear);
  return [startOfLocalDay(first, zone).getTime(), endOfLocalDay(last, zone).getTime()];
}

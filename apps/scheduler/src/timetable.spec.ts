import { getNextMillis } from 'bullmq';
import fc from 'fast-check';
import { JOINT_INSTRUCTION_2002, addDays } from '@shekara/policy';
import type { Policy } from '@shekara/policy';
import { DEFAULT_TIMETABLE, PERIODIC_OBLIGATIONS, WINDOW_PHASES, cronPattern, periodAt, phaseAt, shiftPeriod, validateTimetable, windowOf } from './timetable';
import type { PeriodicObligation, WindowPhase } from './timetable';

const P = JOINT_INSTRUCTION_2002;
const T = DEFAULT_TIMETABLE;
const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

describe('cron patterns (seconds first, read in the zone)', () => {
  it.each([
    ['DAILY', 'open', '0 0 7 * * *'],
    ['DAILY', 'remind', '0 30 8 * * *'],
    ['DAILY', 'close', '0 1 9 * * *'],
    ['MONTHLY', 'open', '0 0 0 28 * *'],
    ['MONTHLY', 'remind', '0 0 12 4 * *'],
    ['MONTHLY', 'close', '0 1 0 6 * *'],
    ['SEMIANNUAL', 'open', '0 0 0 1 1,7 *'],
    ['SEMIANNUAL', 'remind', '0 0 12 1 6,12 *'],
    ['SEMIANNUAL', 'close', '0 1 0 1 1,7 *'],
  ] as const)('%s %s: %s', (obligation, phase, pattern) => {
    expect(cronPattern(P, T, obligation, phase)).toBe(pattern);
  });

  it('come from the policy data: another window gives other times', () => {
    const other: Policy = { ...P, rules: { ...P.rules, daily: { ...P.rules.daily, window: { start: '06:00:00', end: '10:00:00' } }, monthly: { ...P.rules.monthly, openDay: 25, closeDay: 3 } } };
    expect(cronPattern(other, T, 'DAILY', 'open')).toBe('0 0 6 * * *');
    expect(cronPattern(other, T, 'DAILY', 'remind')).toBe('0 30 9 * * *');
    expect(cronPattern(other, T, 'DAILY', 'close')).toBe('0 1 10 * * *');
    expect(cronPattern(other, T, 'MONTHLY', 'open')).toBe('0 0 0 25 * *');
    expect(cronPattern(other, T, 'MONTHLY', 'remind')).toBe('0 0 12 2 * *');
    expect(cronPattern(other, T, 'MONTHLY', 'close')).toBe('0 1 0 4 * *');
  });

  const zones = ['Asia/Almaty', 'Asia/Oral', 'Asia/Aqtobe', 'Asia/Qyzylorda'];
  it('fire exactly at the instants windowOf computes, in every zone, before and after 2024-03-01 (BullMQ\'s own cron reading)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PERIODIC_OBLIGATIONS),
        fc.constantFrom(...WINDOW_PHASES),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3 * 366 }),
        (obligation: PeriodicObligation, phase: WindowPhase, zone: string, offset: number) => {
          const date = addDays('2023-06-01', offset);
          const period = periodAt(P, obligation, 'open', at(`${date}T12:00:00Z`), zone);
          const instant = phaseAt(windowOf(P, T, obligation, period, zone), phase);
          const next = getNextMillis(instant.getTime() - 1000, { pattern: cronPattern(P, T, obligation, phase), tz: zone });
          expect(iso(new Date(next!))).toBe(iso(instant));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('windows in a zone', () => {
  it('the daily window opens at 07:00 local in Asia/Almaty and Asia/Oral', () => {
    const almaty = windowOf(P, T, 'DAILY', '2026-11-22', 'Asia/Almaty');
    expect(iso(almaty.opensAt)).toBe('2026-11-22T02:00:00.000Z');
    expect(iso(almaty.remindAt)).toBe('2026-11-22T03:30:00.000Z');
    expect(iso(almaty.closesAt)).toBe('2026-11-22T04:00:00.000Z');
    expect(iso(almaty.closeJobAt)).toBe('2026-11-22T04:01:00.000Z');
    const oral = windowOf(P, T, 'DAILY', '2026-11-22', 'Asia/Oral');
    expect(iso(oral.opensAt)).toBe('2026-11-22T02:00:00.000Z');
  });

  it('Asia/Almaty: UTC+6 before 2024-03-01, UTC+5 from then; Asia/Oral stays UTC+5', () => {
    expect(iso(windowOf(P, T, 'DAILY', '2024-02-29', 'Asia/Almaty').opensAt)).toBe('2024-02-29T01:00:00.000Z');
    expect(iso(windowOf(P, T, 'DAILY', '2024-03-01', 'Asia/Almaty').opensAt)).toBe('2024-03-01T02:00:00.000Z');
    expect(iso(windowOf(P, T, 'DAILY', '2024-02-29', 'Asia/Oral').opensAt)).toBe('2024-02-29T02:00:00.000Z');
    expect(iso(windowOf(P, T, 'DAILY', '2024-03-01', 'Asia/Oral').opensAt)).toBe('2024-03-01T02:00:00.000Z');
  });

  it('the monthly window runs from the 28th to the end of the 5th; the close job runs after that end', () => {
    const w = windowOf(P, T, 'MONTHLY', '2026-11', 'Asia/Almaty');
    expect(iso(w.opensAt)).toBe('2026-11-27T19:00:00.000Z');
    expect(iso(w.remindAt)).toBe('2026-12-04T07:00:00.000Z');
    expect(iso(w.closesAt)).toBe('2026-12-05T18:59:59.999Z');
    expect(iso(w.closeJobAt)).toBe('2026-12-05T19:01:00.000Z');
    expect(w.closeJobAt > w.closesAt).toBe(true);
    expect(periodAt(P, 'MONTHLY', 'close', w.closeJobAt, 'Asia/Almaty')).toBe('2026-11');
    // The last on-time instant is still the 5th in the zone, not the 6th.
    expect(periodAt(P, 'MONTHLY', 'close', w.closesAt, 'Asia/Almaty')).toBe('2026-11');
  });

  it('December → January: the December window closes on 5 January of the next year', () => {
    const w = windowOf(P, T, 'MONTHLY', '2026-12', 'Asia/Oral');
    expect(iso(w.opensAt)).toBe('2026-12-27T19:00:00.000Z');
    expect(iso(w.remindAt)).toBe('2027-01-04T07:00:00.000Z');
    expect(iso(w.closeJobAt)).toBe('2027-01-05T19:01:00.000Z');
    expect(periodAt(P, 'MONTHLY', 'open', w.opensAt, 'Asia/Oral')).toBe('2026-12');
    expect(periodAt(P, 'MONTHLY', 'remind', w.remindAt, 'Asia/Oral')).toBe('2026-12');
    expect(periodAt(P, 'MONTHLY', 'close', w.closeJobAt, 'Asia/Oral')).toBe('2026-12');
    expect(shiftPeriod('MONTHLY', '2026-12', 1)).toBe('2027-01');
  });

  it('half-years: H2 closes after 31 December; the close on 1 January is for the half-year before', () => {
    const h2 = windowOf(P, T, 'SEMIANNUAL', '2026-H2', 'Asia/Almaty');
    expect(iso(h2.opensAt)).toBe('2026-06-30T19:00:00.000Z');
    expect(iso(h2.remindAt)).toBe('2026-12-01T07:00:00.000Z');
    expect(iso(h2.closesAt)).toBe('2026-12-31T18:59:59.999Z');
    expect(iso(h2.closeJobAt)).toBe('2026-12-31T19:01:00.000Z');
    expect(periodAt(P, 'SEMIANNUAL', 'close', h2.closeJobAt, 'Asia/Almaty')).toBe('2026-H2');
    expect(periodAt(P, 'SEMIANNUAL', 'open', at('2026-12-31T19:00:00Z'), 'Asia/Almaty')).toBe('2027-H1');
    const h1 = windowOf(P, T, 'SEMIANNUAL', '2027-H1', 'Asia/Almaty');
    expect(iso(h1.remindAt)).toBe('2027-06-01T07:00:00.000Z');
    expect(periodAt(P, 'SEMIANNUAL', 'close', h1.closeJobAt, 'Asia/Almaty')).toBe('2027-H1');
    expect(shiftPeriod('SEMIANNUAL', '2027-H1', -1)).toBe('2026-H2');
    expect(shiftPeriod('SEMIANNUAL', '2026-H2', 1)).toBe('2027-H1');
  });

  it('every phase of every period maps back to that period (a delayed job acts on the period of its scheduled instant)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PERIODIC_OBLIGATIONS),
        fc.constantFrom(...WINDOW_PHASES),
        fc.constantFrom('Asia/Almaty', 'Asia/Oral', 'Asia/Aqtau'),
        fc.integer({ min: 0, max: 4000 }),
        (obligation: PeriodicObligation, phase: WindowPhase, zone: string, offset: number) => {
          const period = periodAt(P, obligation, 'open', at(`${addDays('2020-01-01', offset)}T12:00:00Z`), zone);
          const w = windowOf(P, T, obligation, period, zone);
          expect(periodAt(P, obligation, phase, phaseAt(w, phase), zone)).toBe(period);
          expect(w.opensAt < w.remindAt && w.remindAt < w.closesAt && w.closesAt < w.closeJobAt).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a daily close processed the next day still judges the day it was scheduled for', () => {
    const scheduled = windowOf(P, T, 'DAILY', '2026-11-22', 'Asia/Oral').closeJobAt;
    expect(periodAt(P, 'DAILY', 'close', scheduled, 'Asia/Oral')).toBe('2026-11-22');
  });
});

describe('validateTimetable', () => {
  it('accepts the default and names what cannot be one cron pattern', () => {
    expect(validateTimetable(P, T)).toEqual([]);
    const bad = validateTimetable(P, { closeDelayS: 4000, reminders: { dailyLeadS: 3 * 3600, monthlyLeadS: 6 * 86_400, semiannual: { day: 31, time: '25:00:00' } } });
    expect(bad.join('\n')).toMatch(/closeDelayS/);
    expect(bad.join('\n')).toMatch(/dailyLeadS/);
    expect(bad.join('\n')).toMatch(/monthlyLeadS/);
    expect(bad.join('\n')).toMatch(/semiannual.day/);
    expect(bad.join('\n')).toMatch(/semiannual.time/);
    const lateClose: Policy = { ...P, rules: { ...P.rules, monthly: { ...P.rules.monthly, openDay: 10, closeDay: 9 } } };
    expect(validateTimetable(lateClose, T).join()).toMatch(/closeDay \+ 1 must come before openDay/);
  });
});

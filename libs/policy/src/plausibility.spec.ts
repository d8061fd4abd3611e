import { JOINT_INSTRUCTION_2002 as P } from './policy';
import { ImplausibleTime, envelopeClockSkew, implausibleTimes, periodRange } from './plausibility';

const ZONE = 'Asia/Almaty';
const NOW = new Date('2026-12-04T05:30:00Z'); // 10:30 local (UTC+5)
const at = (s: string) => new Date(s);
const codes = (xs: { code: ImplausibleTime }[]) => xs.map((x) => x.code);

describe('implausibleTimes', () => {
  it('accepts an urgent report just written, reported within the day and occurred before it', () => {
    expect(implausibleTimes({ kind: 'URGENT', reportedAt: at('2026-12-04T05:00:00Z'), occurredAt: { field: 'urgent.occurredAt', at: at('2026-12-04T04:00:00Z') } }, NOW, ZONE, P)).toEqual([]);
    // The clock skew: two minutes ahead is still fine, a second more is not.
    expect(implausibleTimes({ kind: 'URGENT', reportedAt: at('2026-12-04T05:32:00Z') }, NOW, ZONE, P)).toEqual([]);
    expect(codes(implausibleTimes({ kind: 'URGENT', reportedAt: at('2026-12-04T05:32:01Z') }, NOW, ZONE, P))).toEqual([ImplausibleTime.ReportedInFuture]);
  });

  it('refuses urgent reports from 1900, 2030 and 9999, and ones older than a day', () => {
    for (const when of ['1900-01-01T00:00:00Z', '2026-12-03T05:29:59Z']) expect(codes(implausibleTimes({ kind: 'URGENT', reportedAt: at(when) }, NOW, ZONE, P))).toEqual([ImplausibleTime.ReportedTooLongAgo]);
    for (const when of ['2030-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) expect(codes(implausibleTimes({ kind: 'URGENT', reportedAt: at(when) }, NOW, ZONE, P))).toEqual([ImplausibleTime.ReportedInFuture]);
    expect(implausibleTimes({ kind: 'URGENT', reportedAt: at('2026-12-03T05:30:00Z') }, NOW, ZONE, P)).toEqual([]);
  });

  it('refuses an occurrence after the report, with the field it is in', () => {
    const r = implausibleTimes({ kind: 'URGENT', reportedAt: at('2026-12-04T05:00:00Z'), occurredAt: { field: 'urgent.occurredAt', at: at('2026-12-04T05:00:01Z') } }, NOW, ZONE, P);
    expect(r).toEqual([expect.objectContaining({ field: 'urgent.occurredAt', code: ImplausibleTime.OccurredAfterReported })]);
  });

  it('wants an advance notice ahead of its event', () => {
    const claims = (e: string) => ({ kind: 'ADVANCE' as const, eventAt: { field: 'advance.eventAt', at: at(e) } });
    expect(implausibleTimes(claims('2026-12-05T00:00:00Z'), NOW, ZONE, P)).toEqual([]);
    expect(codes(implausibleTimes(claims('2026-12-04T05:30:00Z'), NOW, ZONE, P))).toEqual([ImplausibleTime.EventNotAhead]);
  });

  it('bounds periods: from 31 days back to the next period', () => {
    const period = (kind: 'DAILY' | 'MONTHLY' | 'SEMIANNUAL', value: string) => codes(implausibleTimes({ kind, period: { field: 'x.period', value } }, NOW, ZONE, P));
    expect(period('DAILY', '2026-12-04')).toEqual([]);
    expect(period('DAILY', '2026-12-05')).toEqual([]);
    expect(period('DAILY', '2026-11-03')).toEqual([]);
    expect(period('DAILY', '2026-11-02')).toEqual([ImplausibleTime.PeriodOutOfRange]);
    expect(period('DAILY', '2026-12-06')).toEqual([ImplausibleTime.PeriodOutOfRange]);
    expect(period('DAILY', '1900-01-01')).toEqual([ImplausibleTime.PeriodOutOfRange]);
    expect(period('MONTHLY', '2026-11')).toEqual([]);
    expect(period('MONTHLY', '2027-01')).toEqual([]);
    expect(period('MONTHLY', '2026-10')).toEqual([ImplausibleTime.PeriodOutOfRange]);
    expect(period('MONTHLY', '2027-02')).toEqual([ImplausibleTime.PeriodOutOfRange]);
    expect(period('SEMIANNUAL', '2026-H2')).toEqual([]);
    expect(period('SEMIANNUAL', '2027-H1')).toEqual([]);
    expect(period('SEMIANNUAL', '2026-H1')).toEqual([ImplausibleTime.PeriodOutOfRange]);
    expect(period('SEMIANNUAL', '2030-H1')).toEqual([ImplausibleTime.PeriodOutOfRange]);
  });

  it('reads "today" in the unit’s zone: at 23:30 local the period of tomorrow is the next one', () => {
    const late = new Date('2026-12-04T18:30:00Z'); // 23:30 in Almaty
    expect(periodRange('2026-12-05', late, ZONE, 31)).toMatchObject({ ok: true, latest: '2026-12-05' });
    expect(periodRange('2026-12-05', late, 'Europe/London', 31)).toMatchObject({ ok: true });
    expect(periodRange('2026-12-06', late, 'Europe/London', 31)).toMatchObject({ ok: false });
  });

  it('refuses a date of birth after today', () => {
    const dob = (date: string) => codes(implausibleTimes({ kind: 'URGENT', reportedAt: NOW, datesOfBirth: [{ field: 'p.dateOfBirth', date }] }, NOW, ZONE, P));
    expect(dob('1990-04-17')).toEqual([]);
    expect(dob('2026-12-05')).toEqual([]);
    expect(dob('2026-12-06')).toEqual([ImplausibleTime.BornInFuture]);
  });
});

describe('envelopeClockSkew', () => {
  it('flags an envelope made after the recipient’s clock plus the skew, never an old one', () => {
    expect(envelopeClockSkew(at('2026-12-04T05:32:00Z'), NOW, P)).toBeUndefined();
    expect(envelopeClockSkew(at('2026-11-01T00:00:00Z'), NOW, P)).toBeUndefined();
    expect(envelopeClockSkew(at('2026-12-04T05:32:01Z'), NOW, P)).toMatchObject({ code: ImplausibleTime.ClockSkew });
  });
});

import { audit, checkMessages, evaluate } from './evaluate';
import { JOINT_INSTRUCTION_2002, type Policy } from './policy';
import { parseIsoInstant } from './time';
import { OBLIGATIONS, type AuditMessage, type Directory, type Verdict } from './types';

// Three interaction groups: level 2 in Almaty (UTC+6 until 2024-03-01, then UTC+5), level 2 in
// Oral (UTC+5 throughout), level 1 in Astana's zone (Asia/Almaty).
const directory: Directory = {
  units: [
    { id: 'ala-int', agency: 'interior', level: 2, zone: 'Asia/Almaty' },
    { id: 'ala-bor', agency: 'border', level: 2, zone: 'Asia/Almaty' },
    { id: 'ala-cus', agency: 'customs', level: 2, zone: 'Asia/Almaty' },
    { id: 'ura-int', agency: 'interior', level: 2, zone: 'Asia/Oral' },
    { id: 'ura-bor', agency: 'border', level: 2, zone: 'Asia/Oral' },
    { id: 'hq-int', agency: 'interior', level: 1, zone: 'Asia/Almaty' },
    { id: 'hq-bor', agency: 'border', level: 1, zone: 'Asia/Almaty' },
  ],
  groups: [
    { id: 'g-ala', level: 2, members: ['ala-int', 'ala-bor', 'ala-cus'] },
    { id: 'g-ura', level: 2, members: ['ura-int', 'ura-bor'] },
    { id: 'g-hq', level: 1, members: ['hq-int', 'hq-bor'] },
  ],
};

const FAR_FUTURE = '2030-01-01T00:00:00Z';

function instant(text: string): Date {
  const d = parseIsoInstant(text);
  if (!d) throw new Error(`bad instant in test: ${text}`);
  return d;
}

let seq = 0;
/** A message from `from` to `to` sent at `sentAt` (ISO with offset). */
function msg(kind: AuditMessage['kind'], from: string, to: string | string[], sentAt: string, extra: Partial<AuditMessage> = {}): AuditMessage {
  return { id: extra.id ?? `m${++seq}`, kind, from, to: Array.isArray(to) ? to : [to], sentAt: instant(sentAt), ...extra };
}

function run(messages: AuditMessage[], from: string, to = from, asOf = FAR_FUTURE, policy: Policy = JOINT_INSTRUCTION_2002): Verdict[] {
  return evaluate({ policy, directory, messages, range: { from, to }, asOf: instant(asOf) });
}

/** The one verdict on (obligation, from, to, period). */
function one(verdicts: Verdict[], obligation: string, from: string, to: string, period: string): Verdict {
  const found = verdicts.filter((v) => v.obligation === obligation && v.from === from && v.to === to && v.period === period);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Verdict, message and late_by_s, compactly. */
function brief(v: Verdict): [string, string | undefined, number | undefined] {
  return [v.verdict, v.message, v.lateBySeconds];
}

describe('DAILY: the 07:00:00–09:00:00 window in the sender’s local time', () => {
  it.each<[string, string, string, string, number | undefined]>([
    // unit, local day, sent at (local, with the offset then in force), expected verdict, late_by_s
    ['ala-int', '2024-03-02', '2024-03-02T06:59:59+05:00', 'EARLY', undefined],
    ['ala-int', '2024-03-02', '2024-03-02T07:00:00+05:00', 'ON_TIME', undefined],
    ['ala-int', '2024-03-02', '2024-03-02T07:00:01+05:00', 'ON_TIME', undefined],
    ['ala-int', '2024-03-02', '2024-03-02T08:59:59+05:00', 'ON_TIME', undefined],
    ['ala-int', '2024-03-02', '2024-03-02T09:00:00+05:00', 'ON_TIME', undefined],
    ['ala-int', '2024-03-02', '2024-03-02T09:00:00.001+05:00', 'LATE', 1],
    ['ala-int', '2024-03-02', '2024-03-02T09:00:01+05:00', 'LATE', 1],
    ['ala-int', '2024-03-02', '2024-03-02T23:59:59.999+05:00', 'LATE', 53_999 + 1],
    // Almaty before the switch (UTC+6): the window is 01:00–03:00 UTC, an hour earlier than after it.
    ['ala-int', '2024-02-29', '2024-02-29T00:59:59Z', 'EARLY', undefined],
    ['ala-int', '2024-02-29', '2024-02-29T01:00:00Z', 'ON_TIME', undefined],
    ['ala-int', '2024-02-29', '2024-02-29T03:00:00Z', 'ON_TIME', undefined],
    ['ala-int', '2024-02-29', '2024-02-29T03:00:01Z', 'LATE', 1],
    ['ala-int', '2024-03-02', '2024-03-02T01:00:00Z', 'EARLY', undefined], // 06:00 local after the switch
    ['ala-int', '2024-03-02', '2024-03-02T04:00:00Z', 'ON_TIME', undefined],
    // Almaty in summer time (UTC+7, abolished 2005).
    ['ala-int', '2004-07-01', '2004-07-01T00:00:00Z', 'ON_TIME', undefined],
    ['ala-int', '2004-07-01', '2004-07-01T02:00:01Z', 'LATE', 1],
    // Oral: UTC+5 on both sides of 2024-03-01.
    ['ura-int', '2024-02-29', '2024-02-29T01:59:59Z', 'EARLY', undefined],
    ['ura-int', '2024-02-29', '2024-02-29T02:00:00Z', 'ON_TIME', undefined],
    ['ura-int', '2024-02-29', '2024-02-29T04:00:00Z', 'ON_TIME', undefined],
    ['ura-int', '2024-02-29', '2024-02-29T04:00:01Z', 'LATE', 1],
    ['ura-int', '2024-03-02', '2024-03-02T07:00:00+05:00', 'ON_TIME', undefined],
  ])('%s on %s, sent %s → %s', (unit, day, sentAt, verdict, lateBy) => {
    const to = unit === 'ala-int' ? 'ala-bor' : 'ura-bor';
    const m = msg('DAILY', unit, to, sentAt);
    const v = one(run([m], day), 'DAILY', unit, to, day);
    expect(brief(v)).toEqual([verdict, m.id, lateBy]);
  });

  it('reports the window end as due, in UTC', () => {
    const verdicts = run([], '2024-02-29', '2024-03-02');
    expect(one(verdicts, 'DAILY', 'ala-int', 'ala-bor', '2024-02-29').due.toISOString()).toBe('2024-02-29T03:00:00.000Z');
    expect(one(verdicts, 'DAILY', 'ala-int', 'ala-bor', '2024-03-01').due.toISOString()).toBe('2024-03-01T04:00:00.000Z');
    expect(one(verdicts, 'DAILY', 'ura-int', 'ura-bor', '2024-02-29').due.toISOString()).toBe('2024-02-29T04:00:00.000Z');
  });

  it('is PENDING until the window has closed, then MISSING', () => {
    const at = (asOf: string) => one(run([], '2024-03-02', '2024-03-02', asOf), 'DAILY', 'ala-int', 'ala-bor', '2024-03-02');
    expect(at('2024-03-02T08:00:00+05:00').verdict).toBe('PENDING');
    expect(at('2024-03-02T09:00:00+05:00').verdict).toBe('PENDING');
    expect(at('2024-03-02T09:00:00.001+05:00').verdict).toBe('MISSING');
    expect(at('2024-03-02T09:00:00.001+05:00').message).toBeUndefined();
  });

  it('keeps an early report PENDING while the window is open (it can still be met)', () => {
    const early = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T06:00:00+05:00');
    const at = (asOf: string) => one(run([early], '2024-03-02', '2024-03-02', asOf), 'DAILY', 'ala-int', 'ala-bor', '2024-03-02');
    expect(at('2024-03-02T08:00:00+05:00').verdict).toBe('PENDING');
    expect(brief(at('2024-03-02T09:00:01+05:00'))).toEqual(['EARLY', early.id, undefined]);
  });

  it('ignores messages sent after asOf', () => {
    const m = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T08:00:00+05:00');
    const v = one(run([m], '2024-03-02', '2024-03-02', '2024-03-02T07:59:59+05:00'), 'DAILY', 'ala-int', 'ala-bor', '2024-03-02');
    expect(v.verdict).toBe('PENDING');
  });

  it('breaks ties: ON_TIME if any is in the window, else the earliest late one, EARLY names the last early one', () => {
    const e1 = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T05:00:00+05:00');
    const e2 = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T06:00:00+05:00');
    const in2 = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T08:30:00+05:00');
    const in1 = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T07:30:00+05:00');
    const l2 = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T11:00:00+05:00');
    const l1 = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T10:00:00+05:00');
    const day = (ms: AuditMessage[]) => brief(one(run(ms, '2024-03-02'), 'DAILY', 'ala-int', 'ala-bor', '2024-03-02'));
    expect(day([e1, l2, in2, in1, l1, e2])).toEqual(['ON_TIME', in1.id, undefined]);
    expect(day([e1, l2, l1, e2])).toEqual(['LATE', l1.id, 3600]);
    expect(day([e2, e1])).toEqual(['EARLY', e2.id, undefined]);
  });

  it('assigns a report to its period when given, else to the local day it was sent on', () => {
    const late = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-03T08:00:00+05:00', { period: '2024-03-02' });
    const next = msg('DAILY', 'ala-int', 'ala-bor', '2024-03-03T08:00:00+05:00');
    const verdicts = run([late, next], '2024-03-02', '2024-03-03');
    expect(brief(one(verdicts, 'DAILY', 'ala-int', 'ala-bor', '2024-03-02'))).toEqual(['LATE', late.id, 86_400 - 3_600]);
    expect(brief(one(verdicts, 'DAILY', 'ala-int', 'ala-bor', '2024-03-03'))).toEqual(['ON_TIME', next.id, undefined]);
    // 2024-02-29 23:30 +05 in Almaty is still 2024-02-29 locally (the repeated hour).
    const repeated = msg('DAILY', 'ala-int', 'ala-bor', '2024-02-29T18:30:00Z');
    expect(one(run([repeated], '2024-02-29'), 'DAILY', 'ala-int', 'ala-bor', '2024-02-29').verdict).toBe('LATE');
  });

  it('lets one message to several units satisfy the obligation to each of them', () => {
    const m = msg('DAILY', 'ala-int', ['ala-bor', 'ala-cus'], '2024-03-02T08:00:00+05:00');
    const verdicts = run([m], '2024-03-02');
    expect(brief(one(verdicts, 'DAILY', 'ala-int', 'ala-bor', '2024-03-02'))).toEqual(['ON_TIME', m.id, undefined]);
    expect(brief(one(verdicts, 'DAILY', 'ala-int', 'ala-cus', '2024-03-02'))).toEqual(['ON_TIME', m.id, undefined]);
    expect(one(verdicts, 'DAILY', 'ala-bor', 'ala-int', '2024-03-02').verdict).toBe('MISSING');
  });

  it('owes one report per ordered pair of group members and local day in the range', () => {
    const daily = run([], '2024-02-28', '2024-03-01').filter((v) => v.obligation === 'DAILY');
    // (3·2 + 2·1 + 2·1) ordered pairs × 3 days; no pairs across groups.
    expect(daily).toHaveLength(30);
    expect(daily.some((v) => v.from === 'ala-int' && v.to === 'ura-int')).toBe(false);
  });
});

describe('MONTHLY: from the 28th of M 00:00:00 to the end of the 5th of M+1', () => {
  it.each<[string, string, string, string, number | undefined]>([
    // unit, period, sent at, verdict, late_by_s
    ['ala-int', '2024-02', '2024-02-27T23:59:59+06:00', 'EARLY', undefined],
    ['ala-int', '2024-02', '2024-02-28T00:00:00+06:00', 'ON_TIME', undefined],
    ['ala-int', '2024-02', '2024-02-29T12:00:00+06:00', 'ON_TIME', undefined], // leap day
    ['ala-int', '2024-02', '2024-03-05T23:59:59+05:00', 'ON_TIME', undefined],
    ['ala-int', '2024-02', '2024-03-05T23:59:59.999+05:00', 'ON_TIME', undefined],
    ['ala-int', '2024-02', '2024-03-06T00:00:00+05:00', 'LATE', 1],
    ['ala-int', '2024-02', '2024-03-06T00:00:01+05:00', 'LATE', 2], // 1.001 s after 23:59:59.999, rounded up
    // December → January (Almaty, UTC+6 throughout).
    ['ala-int', '2023-12', '2023-12-27T23:59:59.999+06:00', 'EARLY', undefined],
    ['ala-int', '2023-12', '2023-12-28T00:00:00+06:00', 'ON_TIME', undefined],
    ['ala-int', '2023-12', '2024-01-01T00:00:00+06:00', 'ON_TIME', undefined],
    ['ala-int', '2023-12', '2024-01-05T23:59:59.999+06:00', 'ON_TIME', undefined],
    ['ala-int', '2023-12', '2024-01-06T00:00:00+06:00', 'LATE', 1],
    // February in a common year: the 28th is the last day and opens the window.
    ['ala-int', '2023-02', '2023-02-27T23:59:59+06:00', 'EARLY', undefined],
    ['ala-int', '2023-02', '2023-02-28T00:00:00+06:00', 'ON_TIME', undefined],
    ['ala-int', '2023-02', '2023-03-05T23:59:59.999+06:00', 'ON_TIME', undefined],
    // Oral across the switch: UTC+5 on both ends.
    ['ura-int', '2024-02', '2024-02-27T18:59:59.999Z', 'EARLY', undefined],
    ['ura-int', '2024-02', '2024-02-27T19:00:00Z', 'ON_TIME', undefined],
    ['ura-int', '2024-02', '2024-03-05T18:59:59.999Z', 'ON_TIME', undefined],
    ['ura-int', '2024-02', '2024-03-05T19:00:00Z', 'LATE', 1],
  ])('%s, period %s, sent %s → %s', (unit, period, sentAt, verdict, lateBy) => {
    const to = unit === 'ala-int' ? 'ala-bor' : 'ura-bor';
    const m = msg('MONTHLY', unit, to, sentAt, { period });
    const v = one(run([m], `${period}-01`), 'MONTHLY', unit, to, period);
    expect(brief(v)).toEqual([verdict, m.id, lateBy]);
  });

  it('closes the February 2024 window in Almaty at the end of 5 March in UTC+5, opened in UTC+6', () => {
    const v = one(run([], '2024-02-01', '2024-02-01', '2024-03-05T19:00:00Z'), 'MONTHLY', 'ala-int', 'ala-bor', '2024-02');
    expect(v.due.toISOString()).toBe('2024-03-05T18:59:59.999Z');
    expect(v.verdict).toBe('MISSING');
    const pending = one(run([], '2024-02-01', '2024-02-01', '2024-03-05T18:59:59.999Z'), 'MONTHLY', 'ala-int', 'ala-bor', '2024-02');
    expect(pending.verdict).toBe('PENDING');
  });

  it('counts a report only for the month in its period', () => {
    const m = msg('MONTHLY', 'ala-int', 'ala-bor', '2024-03-01T10:00:00+05:00', { period: '2024-01' });
    const verdicts = run([m], '2024-01-15', '2024-02-15');
    // Due 2024-02-05T23:59:59.999+06:00; sent 24 days 11 hours and 1 ms later.
    expect(brief(one(verdicts, 'MONTHLY', 'ala-int', 'ala-bor', '2024-01'))).toEqual(['LATE', m.id, 24 * 86_400 + 11 * 3_600 + 1]);
    expect(one(verdicts, 'MONTHLY', 'ala-int', 'ala-bor', '2024-02').verdict).toBe('MISSING');
  });

  it('covers every month that overlaps the range', () => {
    const periods = new Set(run([], '2023-12-31', '2024-02-01').filter((v) => v.obligation === 'MONTHLY').map((v) => v.period));
    expect([...periods]).toEqual(['2023-12', '2024-01', '2024-02']);
  });
});

describe('SEMIANNUAL: once per half-year, level 1 only', () => {
  it.each<[string, string, string, number | undefined]>([
    ['2024-H1', '2023-12-31T23:59:59+06:00', 'EARLY', undefined],
    ['2024-H1', '2024-01-01T00:00:00+06:00', 'ON_TIME', undefined],
    ['2024-H1', '2024-06-30T23:59:59.999+05:00', 'ON_TIME', undefined],
    ['2024-H1', '2024-07-01T00:00:00+05:00', 'LATE', 1],
    ['2024-H2', '2024-12-31T23:59:59.999+05:00', 'ON_TIME', undefined],
    ['2024-H2', '2025-01-01T00:00:00+05:00', 'LATE', 1],
  ])('period %s, sent %s → %s', (period, sentAt, verdict, lateBy) => {
    const m = msg('SEMIANNUAL', 'hq-int', 'hq-bor', sentAt, { period });
    const v = one(run([m], '2024-06-30', '2024-07-01'), 'SEMIANNUAL', 'hq-int', 'hq-bor', period);
    expect(brief(v)).toEqual([verdict, m.id, lateBy]);
  });

  it('is not owed on level 2 and is due at the last millisecond of the half-year', () => {
    const verdicts = run([], '2024-02-29', '2024-02-29', '2024-02-29T00:00:00Z').filter((v) => v.obligation === 'SEMIANNUAL');
    expect(verdicts.map((v) => [v.from, v.to, v.period, v.verdict, v.due.toISOString()])).toEqual([
      ['hq-bor', 'hq-int', '2024-H1', 'PENDING', '2024-06-30T18:59:59.999Z'],
      ['hq-int', 'hq-bor', '2024-H1', 'PENDING', '2024-06-30T18:59:59.999Z'],
    ]);
  });
});

describe('URGENT_CONFIRMATION: written confirmation within 2 hours of the oral report', () => {
  const urgent = msg('URGENT', 'ala-bor', ['ala-int', 'ala-cus'], '2024-03-02T10:00:30+05:00', {
    id: 'u1',
    reportedAt: instant('2024-03-02T10:00:00+05:00'),
  });
  const confirm = (sentAt: string, id = `c-${sentAt}`) => msg('URGENT_CONFIRMATION', 'ala-bor', ['ala-int', 'ala-cus'], sentAt, { id, confirms: 'u1' });
  const judge = (messages: AuditMessage[], asOf = FAR_FUTURE) => {
    const vs = run(messages, '2024-03-02', '2024-03-02', asOf).filter((v) => v.obligation === 'URGENT_CONFIRMATION');
    expect(vs).toHaveLength(1);
    return vs[0];
  };

  it.each<[string, string, number | undefined]>([
    ['2024-03-02T11:59:59+05:00', 'CONFIRMED_ON_TIME', undefined],
    ['2024-03-02T12:00:00+05:00', 'CONFIRMED_ON_TIME', undefined],
    ['2024-03-02T12:00:00.001+05:00', 'CONFIRMED_LATE', 1],
    ['2024-03-02T12:00:01+05:00', 'CONFIRMED_LATE', 1],
    ['2024-03-02T13:00:00+05:00', 'CONFIRMED_LATE', 3600],
  ])('confirmed at %s → %s', (sentAt, verdict, lateBy) => {
    const c = confirm(sentAt);
    const v = judge([urgent, c]);
    expect(v).toEqual({
      obligation: 'URGENT_CONFIRMATION', from: 'ala-bor', ref: 'u1', due: instant('2024-03-02T07:00:00Z'),
      verdict, message: c.id, ...(lateBy === undefined ? {} : { lateBySeconds: lateBy }),
    });
  });

  it('is PENDING until the deadline, then UNCONFIRMED', () => {
    expect(judge([urgent], '2024-03-02T12:00:00+05:00').verdict).toBe('PENDING');
    expect(judge([urgent], '2024-03-02T12:00:00.001+05:00').verdict).toBe('UNCONFIRMED');
    expect(judge([urgent, confirm('2024-03-02T12:30:00+05:00')], '2024-03-02T12:10:00+05:00').verdict).toBe('UNCONFIRMED');
  });

  it('takes the earliest confirmation', () => {
    expect(brief(judge([urgent, confirm('2024-03-02T13:00:00+05:00', 'late'), confirm('2024-03-02T11:00:00+05:00', 'ok')]))).toEqual([
      'CONFIRMED_ON_TIME', 'ok', undefined,
    ]);
  });

  it('selects urgent reports by their local reported date (sender’s zone)', () => {
    const nearMidnight = msg('URGENT', 'ala-bor', 'ala-int', '2024-02-29T19:30:00Z', { id: 'u2', reportedAt: instant('2024-02-29T19:30:00Z') });
    const refs = (from: string) =>
      run([nearMidnight], from, from).filter((v) => v.obligation === 'URGENT_CONFIRMATION').map((v) => v.ref);
    expect(refs('2024-02-29')).toEqual([]);
    expect(refs('2024-03-01')).toEqual(['u2']); // 00:30 local, UTC+5 since that midnight
  });
});

describe('ADVANCE: sent strictly before the event', () => {
  it.each<[string, string, number | undefined]>([
    ['2024-03-09T12:00:00+05:00', 'IN_ADVANCE', undefined],
    ['2024-03-10T09:59:59.999+05:00', 'IN_ADVANCE', undefined],
    ['2024-03-10T10:00:00+05:00', 'LATE', 0],
    ['2024-03-10T10:00:01+05:00', 'LATE', 1],
  ])('sent %s → %s', (sentAt, verdict, lateBy) => {
    const m = msg('ADVANCE', 'ala-bor', ['ala-int', 'ala-cus'], sentAt, { eventAt: instant('2024-03-10T10:00:00+05:00') });
    const vs = run([m], '2024-03-09', '2024-03-10').filter((v) => v.obligation === 'ADVANCE');
    expect(vs).toEqual([
      {
        obligation: 'ADVANCE', from: 'ala-bor', ref: m.id, due: instant('2024-03-10T05:00:00Z'), verdict, message: m.id,
        ...(lateBy === undefined ? {} : { lateBySeconds: lateBy }),
      },
    ]);
  });

  it('selects notices by their local sent date', () => {
    const m = msg('ADVANCE', 'ala-bor', 'ala-int', '2024-02-29T18:30:00Z', { eventAt: instant('2024-03-10T10:00:00+05:00') });
    expect(run([m], '2024-02-29').filter((v) => v.obligation === 'ADVANCE')).toHaveLength(1);
    expect(run([m], '2024-03-01').filter((v) => v.obligation === 'ADVANCE')).toHaveLength(0);
  });
});

describe('rule parameters come from the policy', () => {
  const shifted: Policy = {
    ...JOINT_INSTRUCTION_2002,
    id: 'test-shifted',
    rules: {
      ...JOINT_INSTRUCTION_2002.rules,
      daily: { window: { start: '08:00:00', end: '10:00:00' }, levels: [1] },
      monthly: { openDay: 25, closeDay: 3, levels: [2] },
      semiannual: { levels: [] },
      urgentConfirmation: { withinMs: 30 * 60_000 },
      advance: { minLeadMs: 24 * 3_600_000 },
    },
  };

  it('moves windows, deadlines and levels with the policy', () => {
    const messages = [
      msg('DAILY', 'hq-int', 'hq-bor', '2024-03-02T07:30:00+05:00', { id: 'd' }),
      msg('MONTHLY', 'ala-int', 'ala-bor', '2024-03-25T00:00:00+05:00', { id: 'mo', period: '2024-03' }),
      msg('URGENT', 'ala-bor', 'ala-int', '2024-03-02T10:00:00+05:00', { id: 'u', reportedAt: instant('2024-03-02T10:00:00+05:00') }),
      msg('URGENT_CONFIRMATION', 'ala-bor', 'ala-int', '2024-03-02T10:31:00+05:00', { id: 'c', confirms: 'u' }),
      msg('ADVANCE', 'ala-bor', 'ala-int', '2024-03-02T10:00:00+05:00', { id: 'a', eventAt: instant('2024-03-03T09:00:00+05:00') }),
    ];
    const vs = run(messages, '2024-03-02', '2024-03-02', FAR_FUTURE, shifted);
    expect(vs.filter((v) => v.obligation === 'DAILY').every((v) => v.from.startsWith('hq-'))).toBe(true);
    expect(one(vs, 'DAILY', 'hq-int', 'hq-bor', '2024-03-02').verdict).toBe('EARLY');
    expect(one(vs, 'MONTHLY', 'ala-int', 'ala-bor', '2024-03').verdict).toBe('ON_TIME');
    expect(one(vs, 'MONTHLY', 'ala-int', 'ala-bor', '2024-03').due.toISOString()).toBe('2024-04-03T18:59:59.999Z');
    expect(vs.some((v) => v.obligation === 'MONTHLY' && v.from.startsWith('hq-'))).toBe(false);
    expect(vs.some((v) => v.obligation === 'SEMIANNUAL')).toBe(false);
    expect(brief(vs.find((v) => v.obligation === 'URGENT_CONFIRMATION') as Verdict)).toEqual(['CONFIRMED_LATE', 'c', 60]);
    expect(brief(vs.find((v) => v.obligation === 'ADVANCE') as Verdict)).toEqual(['LATE', 'a', 3600]);
  });

  it('refuses an invalid policy', () => {
    const broken = { ...shifted, rules: { ...shifted.rules, monthly: { openDay: 31, closeDay: 5, levels: [] } } } as Policy;
    expect(() => run([], '2024-03-02', '2024-03-02', FAR_FUTURE, broken)).toThrow(/openDay/);
  });
});

describe('output order', () => {
  it('sorts by obligation, from, to, then period or ref', () => {
    const messages = [
      msg('URGENT', 'ura-int', 'ura-bor', '2024-03-02T10:00:00+05:00', { id: 'u-b', reportedAt: instant('2024-03-02T10:00:00+05:00') }),
      msg('URGENT', 'ala-int', 'ala-bor', '2024-03-02T11:00:00+05:00', { id: 'u-z', reportedAt: instant('2024-03-02T11:00:00+05:00') }),
      msg('URGENT', 'ala-int', 'ala-bor', '2024-03-02T12:00:00+05:00', { id: 'u-a', reportedAt: instant('2024-03-02T12:00:00+05:00') }),
      msg('ADVANCE', 'ala-bor', 'ala-int', '2024-03-02T12:00:00+05:00', { id: 'a', eventAt: instant('2024-03-04T12:00:00+05:00') }),
    ];
    const vs = run(messages, '2024-06-29', '2024-07-02');
    const keys = vs.map((v) => [OBLIGATIONS.indexOf(v.obligation), v.from, v.to ?? '', v.period ?? v.ref ?? '']);
    const sorted = [...keys].sort((a, b) => {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return 0;
    });
    expect(keys).toEqual(sorted);
    expect(new Set(vs.map((v) => v.obligation))).toEqual(new Set(['DAILY', 'MONTHLY', 'SEMIANNUAL']));
    const urgentRun = run(messages, '2024-03-02');
    expect(urgentRun.filter((v) => v.obligation === 'URGENT_CONFIRMATION').map((v) => v.ref)).toEqual(['u-a', 'u-z', 'u-b']);
    expect(urgentRun.map((v) => v.obligation).lastIndexOf('DAILY')).toBeLessThan(urgentRun.map((v) => v.obligation).indexOf('URGENT_CONFIRMATION'));
  });

  it('does not depend on the order of the input', () => {
    const messages = [
      msg('DAILY', 'ala-int', ['ala-bor', 'ala-cus'], '2024-03-02T08:00:00+05:00'),
      msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T07:10:00+05:00'),
      msg('MONTHLY', 'ura-bor', 'ura-int', '2024-03-01T08:00:00+05:00', { period: '2024-02' }),
    ];
    expect(run([...messages].reverse(), '2024-03-01', '2024-03-03')).toEqual(run(messages, '2024-03-01', '2024-03-03'));
  });
});

describe('message checks', () => {
  it('rejects bad messages with a reason and audits the rest', () => {
    const urgent = msg('URGENT', 'ala-bor', 'ala-int', '2024-03-02T10:00:00+05:00', { id: 'u', reportedAt: instant('2024-03-02T10:00:00+05:00') });
    const messages: AuditMessage[] = [
      msg('DAILY', 'nobody', 'ala-bor', '2024-03-02T08:00:00+05:00'),
      msg('DAILY', 'ala-int', ['ala-bor', 'ghost'], '2024-03-02T08:00:00+05:00'),
      msg('DAILY', 'ala-int', 'ala-int', '2024-03-02T08:00:00+05:00'),
      msg('MONTHLY', 'ala-int', 'ala-bor', '2024-03-02T08:00:00+05:00'),
      msg('SEMIANNUAL', 'hq-int', 'hq-bor', '2024-03-02T08:00:00+05:00', { period: '2024-H3' }),
      msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T08:00:00+05:00', { period: '2024-02-30' }),
      { ...msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T08:00:00+05:00'), sentAt: new Date(Number.NaN) },
      msg('URGENT_CONFIRMATION', 'ala-bor', 'ala-int', '2024-03-02T11:00:00+05:00', { confirms: 'u' }), // before its report: fine
      urgent,
      msg('URGENT_CONFIRMATION', 'ala-bor', 'ala-int', '2024-03-02T11:00:00+05:00', { confirms: 'nope' }),
      msg('URGENT_CONFIRMATION', 'ala-int', 'ala-bor', '2024-03-02T11:00:00+05:00', { confirms: 'u' }),
      msg('URGENT', 'ala-bor', 'ala-int', '2024-03-02T10:00:00+05:00', { id: 'u' }),
      msg('ADVANCE', 'ala-bor', 'ala-int', '2024-03-02T10:00:00+05:00'),
      msg('URGENT', 'ala-bor', 'ala-int', '2024-03-02T10:00:00+05:00', { id: 'u', reportedAt: instant('2024-03-02T10:00:00+05:00') }),
      msg('DAILY', 'ala-int', 'ala-bor', '2024-03-02T08:00:00+05:00', { id: 'ok' }),
      msg('URGENT_CONFIRMATION', 'ala-bor', 'ala-int', '2024-03-02T11:00:00+05:00', { confirms: 'ok' }),
    ];
    const expected = [
      [0, 'unknown unit "nobody" in from'],
      [1, 'unknown unit "ghost" in to'],
      [2, 'ala-int is both sender and recipient'],
      [3, 'MONTHLY requires period YYYY-MM'],
      [4, 'SEMIANNUAL requires period YYYY-H1 or YYYY-H2'],
      [5, 'DAILY period must be YYYY-MM-DD: 2024-02-30'],
      [6, 'missing or invalid sent_at'],
      [9, 'confirms unknown report nope'],
      [10, 'confirms u, which was reported by ala-bor, not ala-int'],
      [11, 'URGENT requires reported_at'],
      [12, 'ADVANCE requires event_at'],
      [13, 'duplicate message id u'],
      [15, 'confirms ok, which is DAILY, not URGENT'],
    ];
    expect(checkMessages(directory, messages).map((i) => [i.index, i.reason])).toEqual(expected);
    const result = audit({ policy: JOINT_INSTRUCTION_2002, directory, messages, range: { from: '2024-03-02', to: '2024-03-02' }, asOf: instant(FAR_FUTURE) });
    expect(result.rejected.map((i) => [i.index, i.reason])).toEqual(expected);
    expect(brief(one(result.verdicts, 'DAILY', 'ala-int', 'ala-bor', '2024-03-02'))).toEqual(['ON_TIME', 'ok', undefined]);
    expect(brief(result.verdicts.find((v) => v.obligation === 'URGENT_CONFIRMATION') as Verdict)).toEqual([
      'CONFIRMED_ON_TIME', messages[7].id, undefined,
    ]);
  });

  it('refuses a bad range or asOf', () => {
    expect(() => run([], '2024-03-02', '2024-03-01')).toThrow(/after/);
    expect(() => run([], '2024-02-30', '2024-03-01')).toThrow(/YYYY-MM-DD/);
    expect(() => evaluate({ policy: JOINT_INSTRUCTION_2002, directory, messages: [], range: { from: '2024-03-01', to: '2024-03-01' }, asOf: new Date(Number.NaN) })).toThrow(/asOf/);
  });
});

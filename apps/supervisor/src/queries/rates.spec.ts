import type { Verdict } from '@shekara/policy';
import type { StoredMessage } from '../ledger/ledger.store';
import { rate } from './listing';
import { count, emptyTally, verdictDate } from './rates';

const range = { from: '2024-03-01', to: '2024-03-31' };
const due = new Date(0);
const zoneOf = () => 'Asia/Oral';

describe('tallies and rates', () => {
  it('count on-time verdicts over judged ones (PENDING is not judged)', () => {
    const t = emptyTally();
    for (const verdict of ['ON_TIME', 'CONFIRMED_ON_TIME', 'IN_ADVANCE', 'LATE', 'MISSING', 'PENDING'] as const) count(t, { obligation: 'DAILY', from: 'u', due, verdict });
    expect(t).toMatchObject({ judged: 5, onTime: 3, counts: { ON_TIME: 1, PENDING: 1, UNCONFIRMED: 0 } });
    expect(rate(t.onTime, t.judged)).toBe(0.6);
    expect(rate(0, 0)).toBeNull();
    expect(rate(2, 3)).toBe(0.6667);
  });
});

describe('verdictDate', () => {
  const messages = new Map<string, StoredMessage>([
    ['u1', { id: 'u1', kind: 'URGENT', from: 'b', to: ['i'], sentAt: new Date('2024-03-09T19:30:00Z'), reportedAt: new Date('2024-03-09T19:10:00Z'), summary: '', node: 'border' }],
    ['a1', { id: 'a1', kind: 'ADVANCE', from: 'b', to: ['i'], sentAt: new Date('2024-03-12T10:00:00Z'), eventAt: new Date('2024-03-20T00:00:00Z'), summary: '', node: 'border' }],
  ]);
  const at = (v: Partial<Verdict>) => verdictDate({ from: 'b', due, verdict: 'PENDING', obligation: 'DAILY', ...v } as Verdict, range, messages, zoneOf);

  it('is the period’s date or first day, clamped into the range', () => {
    expect(at({ obligation: 'DAILY', period: '2024-03-05' })).toBe('2024-03-05');
    expect(at({ obligation: 'MONTHLY', period: '2024-03' })).toBe('2024-03-01');
    expect(at({ obligation: 'MONTHLY', period: '2024-02' })).toBe('2024-03-01');
    expect(at({ obligation: 'SEMIANNUAL', period: '2024-H1' })).toBe('2024-03-01');
  });

  it('is the local date of the oral report or of the notice, in the sender’s zone', () => {
    expect(at({ obligation: 'URGENT_CONFIRMATION', ref: 'u1' })).toBe('2024-03-10'); // 00:10 in UTC+5
    expect(at({ obligation: 'ADVANCE', ref: 'a1' })).toBe('2024-03-12');
  });
});

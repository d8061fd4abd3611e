import { POLICIES } from '@shekara/policy';
import { composePeriods } from './compose-periods';

const ALMATY = 'Asia/Almaty'; // UTC+5 since 2024-03-01
const AQTOBE = 'Asia/Aqtobe'; // UTC+5
const BERLIN = 'Europe/Berlin'; // UTC+1 / +2: a zone with daylight saving time
const at = (iso: string, zone = ALMATY) => composePeriods(POLICIES, new Date(iso), zone);

describe('composePeriods: what a report composed now is for', () => {
  describe('daily: today, its window 07:00-09:00 local', () => {
    it.each([
      ['2026-06-15T06:59:00+05:00', 'before'],
      ['2026-06-15T07:00:00+05:00', 'open'],
      ['2026-06-15T09:00:00+05:00', 'open'],
      ['2026-06-15T09:01:00+05:00', 'closed'],
      ['2026-06-15T00:00:00+05:00', 'before'],
      ['2026-06-15T23:59:59+05:00', 'closed'],
    ])('%s → 2026-06-15, %s', (iso, state) => {
      const p = at(iso).daily;
      expect(p).toMatchObject({ period: '2026-06-15', state });
      expect(p.opensAt.toISOString()).toBe('2026-06-15T02:00:00.000Z');
      expect(p.closesAt.toISOString()).toBe('2026-06-15T04:00:00.000Z');
    });

    it('is the local date of the unit, not the UTC date (23:30 UTC is the next day in Almaty)', () => {
      expect(at('2026-06-14T23:30:00Z').daily).toMatchObject({ period: '2026-06-15', state: 'before' });
      expect(at('2026-06-14T23:30:00Z', 'UTC').daily).toMatchObject({ period: '2026-06-14', state: 'closed' });
    });

    it('reads the window in the zone given (Berlin in summer: 07:00 local is 05:00 UTC)', () => {
      const p = at('2026-06-15T05:00:00Z', BERLIN).daily;
      expect(p).toMatchObject({ period: '2026-06-15', state: 'open' });
      expect(p.opensAt.toISOString()).toBe('2026-06-15T05:00:00.000Z');
      expect(at('2026-06-15T04:59:00Z', BERLIN).daily.state).toBe('before');
      // the same instant at an Aqtobe unit (UTC+5) is 09:59 there: closed
      expect(at('2026-06-15T04:59:00Z', AQTOBE).daily).toMatchObject({ period: '2026-06-15', state: 'closed' });
    });
  });

  describe('monthly: the month whose window opened last (28th of M to the 5th of M+1)', () => {
    it.each([
      ['2026-06-27T23:59:00+05:00', '2026-05', 'closed'],
      ['2026-06-28T00:00:00+05:00', '2026-06', 'open'],
      ['2026-06-30T12:00:00+05:00', '2026-06', 'open'],
      ['2026-07-01T00:00:00+05:00', '2026-06', 'open'],
      ['2026-07-05T23:59:00+05:00', '2026-06', 'open'],
      ['2026-07-06T00:00:00+05:00', '2026-06', 'closed'],
      ['2026-07-27T10:00:00+05:00', '2026-06', 'closed'],
      ['2027-01-03T10:00:00+05:00', '2026-12', 'open'],
    ])('%s → %s, %s', (iso, period, state) => {
      expect(at(iso).monthly).toMatchObject({ period, state });
    });

    it('the window bounds are local midnights', () => {
      const p = at('2026-06-28T00:00:00+05:00').monthly;
      expect(p.opensAt.toISOString()).toBe('2026-06-27T19:00:00.000Z');
      expect(p.closesAt.toISOString()).toBe('2026-07-05T18:59:59.999Z');
    });

    it('the 28th begins at local midnight: 27th 19:30 UTC is already the 28th in Almaty, not in UTC', () => {
      expect(at('2026-06-27T19:30:00Z').monthly).toMatchObject({ period: '2026-06', state: 'open' });
      expect(at('2026-06-27T19:30:00Z', 'UTC').monthly).toMatchObject({ period: '2026-05', state: 'closed' });
    });
  });

  describe('semiannual: the current half-year', () => {
    it.each([
      ['2026-06-30T23:59:00+05:00', ALMATY, '2026-H1'],
      ['2026-07-01T00:00:00+05:00', ALMATY, '2026-H2'],
      ['2026-06-30T19:30:00Z', ALMATY, '2026-H2'],
      ['2026-06-30T19:30:00Z', 'UTC', '2026-H1'],
      ['2026-12-31T23:00:00+05:00', ALMATY, '2026-H2'],
      ['2027-01-01T00:00:00+05:00', ALMATY, '2027-H1'],
    ])('%s in %s → %s', (iso, zone, period) => {
      expect(at(iso, zone).semiannual).toMatchObject({ period, state: 'open' });
    });

    it('30 June / 1 July moves every kind at once', () => {
      const june = at('2026-06-30T08:00:00+05:00');
      expect([june.daily.period, june.daily.state, june.monthly.period, june.monthly.state, june.semiannual.period]).toEqual(['2026-06-30', 'open', '2026-06', 'open', '2026-H1']);
      const july = at('2026-07-01T08:00:00+05:00');
      expect([july.daily.period, july.daily.state, july.monthly.period, july.monthly.state, july.semiannual.period]).toEqual(['2026-07-01', 'open', '2026-06', 'open', '2026-H2']);
    });
  });

  it('names the policy in force', () => {
    expect(at('2026-06-15T08:00:00+05:00').policyId).toBe('kz-joint-instruction-2002');
  });

  it('before any policy took effect it refuses (no silent default)', () => {
    expect(() => at('2001-01-01T08:00:00+05:00')).toThrow(/no policy/);
  });
});

/**
 * A synthetic quarter of traffic for 300 units: checks that the engine gets every verdict right at
 * volume. It asserts correctness only; the indexes make the work linear in messages + obligations.
 */
import { evaluate } from './evaluate';
import { JOINT_INSTRUCTION_2002, type Level } from './policy';
import { addMonths, eachDate } from './time';
import type { AuditMessage, Directory, Unit } from './types';

const UNITS = 300;
const FROM = '2024-01-15';
const TO = '2024-04-13'; // 90 days, across Almaty's switch from UTC+6 to UTC+5 on 2024-03-01
const DAYS = eachDate(FROM, TO);
const AGENCIES = ['interior', 'border', 'customs'] as const;
const DAILY_OUTCOMES = ['ON_TIME', 'LATE', 'EARLY', 'MISSING'] as const;
/** Local wall time each daily outcome is produced with (LATE is one hour after the window). */
const DAILY_TIME = { ON_TIME: '08:00:00', LATE: '10:00:00', EARLY: '06:00:00' } as const;

/** The offset stated on the wire, worked out by hand from the known history of the two zones. */
function offset(zone: string, date: string): string {
  return zone === 'Asia/Almaty' && date < '2024-03-01' ? '+06:00' : '+05:00';
}

function build(): { directory: Directory; messages: AuditMessage[]; expected: Map<string, number> } {
  const units: Unit[] = [];
  const groups: Directory['groups'] = [];
  for (let g = 0; g < UNITS / 3; g++) {
    const level = ((g % 5) + 1) as Level;
    const zone = g % 2 === 0 ? 'Asia/Almaty' : 'Asia/Oral';
    const members = AGENCIES.map((agency) => `${agency}-${String(g).padStart(3, '0')}`);
    members.forEach((id, i) => units.push({ id, agency: AGENCIES[i], level, zone }));
    groups.push({ id: `g${g}`, level, members });
  }
  const messages: AuditMessage[] = [];
  const expected = new Map<string, number>();
  const count = (verdict: string, n: number) => expected.set(verdict, (expected.get(verdict) ?? 0) + n);
  units.forEach((unit, u) => {
    const to = groups[Math.floor(u / 3)].members.filter((m) => m !== unit.id);
    DAYS.forEach((date, d) => {
      // One message to both counterparts: it must count for each pair.
      const outcome = DAILY_OUTCOMES[(u + d) % DAILY_OUTCOMES.length];
      count(outcome, to.length);
      if (outcome === 'MISSING') return;
      const sentAt = new Date(`${date}T${DAILY_TIME[outcome]}${offset(unit.zone, date)}`);
      messages.push({ id: `d-${unit.id}-${date}`, kind: 'DAILY', from: unit.id, to, sentAt });
    });
    for (const month of ['2024-01', '2024-02', '2024-03', '2024-04']) {
      // Even units report on the 1st of the next month (on time), odd units do not report.
      if (u % 2 === 0) {
        const date = `${addMonths(month, 1)}-01`;
        messages.push({ id: `m-${unit.id}-${month}`, kind: 'MONTHLY', from: unit.id, to, period: month, sentAt: new Date(`${date}T12:00:00${offset(unit.zone, date)}`) });
      }
      count(u % 2 === 0 ? 'ON_TIME' : 'MISSING', to.length);
    }
    if (unit.level === 1) {
      // Half-year reports are sent in March by everyone on level 1.
      messages.push({ id: `s-${unit.id}`, kind: 'SEMIANNUAL', from: unit.id, to, period: '2024-H1', sentAt: new Date('2024-03-15T12:00:00+05:00') });
      count('ON_TIME', to.length);
    }
  });
  return { directory: { units, groups }, messages, expected };
}

describe('evaluate at volume', () => {
  it('judges a quarter of traffic for 300 units exactly', () => {
    const { directory, messages, expected } = build();
    const verdicts = evaluate({
      policy: JOINT_INSTRUCTION_2002,
      directory,
      messages,
      range: { from: FROM, to: TO },
      asOf: new Date('2024-12-31T00:00:00Z'),
    });
    const pairs = UNITS * 2;
    const level1Pairs = (UNITS / 3 / 5) * 6;
    expect(verdicts.filter((v) => v.obligation === 'DAILY')).toHaveLength(pairs * DAYS.length);
    expect(verdicts.filter((v) => v.obligation === 'MONTHLY')).toHaveLength(pairs * 4);
    expect(verdicts.filter((v) => v.obligation === 'SEMIANNUAL')).toHaveLength(level1Pairs);

    const actual = new Map<string, number>();
    for (const v of verdicts) actual.set(v.verdict, (actual.get(v.verdict) ?? 0) + 1);
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect(verdicts.filter((v) => v.verdict === 'LATE').every((v) => v.lateBySeconds === 3600)).toBe(true);

    // Spot checks on both sides of the switch in Almaty (group 0) and in Oral (group 1); the outcome
    // is DAILY_OUTCOMES[(unit index + day index) % 4].
    const find = (from: string, to: string, period: string) => verdicts.find((v) => v.obligation === 'DAILY' && v.from === from && v.to === to && v.period === period);
    expect(find('interior-000', 'border-000', '2024-01-15')).toMatchObject({ verdict: 'ON_TIME', message: 'd-interior-000-2024-01-15', due: new Date('2024-01-15T03:00:00Z') });
    expect(find('interior-000', 'customs-000', '2024-02-28')).toMatchObject({ verdict: 'ON_TIME', due: new Date('2024-02-28T03:00:00Z') });
    expect(find('interior-000', 'customs-000', '2024-03-01')).toMatchObject({ verdict: 'EARLY', due: new Date('2024-03-01T04:00:00Z') });
    expect(find('interior-000', 'customs-000', '2024-03-03')).toMatchObject({ verdict: 'ON_TIME', due: new Date('2024-03-03T04:00:00Z') });
    expect(find('border-001', 'interior-001', '2024-01-17')).toMatchObject({ verdict: 'EARLY', due: new Date('2024-01-17T04:00:00Z') });
    expect(find('border-001', 'interior-001', '2024-01-18')).toMatchObject({ verdict: 'MISSING', due: new Date('2024-01-18T04:00:00Z') });
  });
});

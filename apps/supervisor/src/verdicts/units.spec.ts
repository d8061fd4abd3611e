import type { Verdict } from '@shekara/policy';
import { paginate, unitMatches, verdictFilter } from './units';
import type { UnitInfo } from './units';

const units = new Map<string, UnitInfo>([
  ['border.l4.A', { id: 'border.l4.A', agency: 'border', level: 4, region: 'KZ-33', zone: 'Asia/Almaty', nameRu: '', nameEn: '' }],
  ['customs.l1.KZ', { id: 'customs.l1.KZ', agency: 'customs', level: 1, zone: 'Asia/Almaty', nameRu: '', nameEn: '' }],
]);
const v = (from: string, extra: Partial<Verdict> = {}): Verdict => ({ obligation: 'DAILY', from, to: 'x', period: '2024-04-01', due: new Date(0), verdict: 'MISSING', ...extra });

describe('filters', () => {
  it('match on the owing unit’s agency, id, level, region and zone', () => {
    const b = units.get('border.l4.A');
    expect(unitMatches(b, {})).toBe(true);
    expect(unitMatches(b, { agency: 'border', level: 4, region: 'KZ-33', zone: 'Asia/Almaty', unit: 'border.l4.A' })).toBe(true);
    expect(unitMatches(b, { agency: 'customs' })).toBe(false);
    expect(unitMatches(units.get('customs.l1.KZ'), { region: 'KZ-33' })).toBe(false);
    expect(unitMatches(undefined, {})).toBe(true);
    expect(unitMatches(undefined, { level: 1 })).toBe(false);
  });

  it('select verdicts by obligation, verdict and period too', () => {
    const list = [v('border.l4.A'), v('customs.l1.KZ', { obligation: 'MONTHLY', period: '2024-04', verdict: 'PENDING' }), v('border.l4.A', { verdict: 'ON_TIME' })];
    expect(list.filter(verdictFilter(units, { agency: 'border', verdict: 'MISSING' }))).toEqual([list[0]]);
    expect(list.filter(verdictFilter(units, { obligation: 'MONTHLY' }))).toEqual([list[1]]);
    expect(list.filter(verdictFilter(units, { period: '2024-04-01' }))).toEqual([list[0], list[2]]);
  });
});

describe('paginate', () => {
  it('returns one page and the total', () => {
    expect(paginate([1, 2, 3, 4, 5], 2, 2)).toEqual({ total: 5, page: 2, pageSize: 2, items: [3, 4] });
    expect(paginate([1, 2, 3], 3, 2)).toEqual({ total: 3, page: 3, pageSize: 2, items: [] });
  });
});

import { localTime, unitName, withReadable, word } from './readable';
import type { UnitInfo } from '../verdicts/units';

describe('readable exports', () => {
  it('writes an instant as the unit’s local time with its zone and offset', () => {
    expect(localTime(new Date('2024-04-09T04:00:00Z'), 'Asia/Almaty')).toBe('2024-04-09 09:00:00 (Asia/Almaty, UTC+05:00)');
    // Before 2024-03-01 Almaty was UTC+6.
    expect(localTime('2024-01-09T04:00:00Z', 'Asia/Almaty')).toBe('2024-01-09 10:00:00 (Asia/Almaty, UTC+06:00)');
    expect(localTime('2024-01-09T04:00:00Z', 'UTC')).toBe('2024-01-09 04:00:00 (UTC, UTC+00:00)');
    expect(localTime(undefined, 'UTC')).toBe('');
  });

  it('names units and verdicts in the chosen language', () => {
    const units = new Map<string, UnitInfo>([['b', { id: 'b', agency: 'border', level: 4, zone: 'Asia/Almaty', nameRu: 'Отдел', nameEn: 'Section' }]]);
    expect([unitName(units, 'ru', 'b'), unitName(units, 'en', 'b'), unitName(units, 'en', 'x')]).toEqual(['Отдел', 'Section', '']);
    expect([word('ru', 'MISSING'), word('en', 'CONFIRMED_LATE'), word('en', 'OTHER')]).toEqual(['не представлено', 'confirmed late', 'OTHER']);
  });

  it('puts each companion right after its machine column', () => {
    const cols = withReadable<{ a: string }>([{ header: 'from', value: (r) => r.a }, { header: 'x', value: () => 1 }], { from: { header: 'from_name', value: () => 'n' } });
    expect(cols.map((c) => c.header)).toEqual(['from', 'from_name', 'x']);
  });
});

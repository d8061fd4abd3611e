import { ManualClock } from './clock';
import { isUuidV7, uuidv7, uuidv7Time } from './uuid';

describe('uuidv7', () => {
  it('is a valid v7 uuid carrying the clock time', () => {
    const clock = new ManualClock('2026-11-21T10:00:00.123Z');
    const id = uuidv7(clock);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidv7Time(id).toISOString()).toBe('2026-11-21T10:00:00.123Z');
  });

  it('sorts by time and does not repeat', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      clock.advance(1);
      ids.push(uuidv7(clock));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('many in one millisecond (across refills of the random pool) are all distinct and valid', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const ids = Array.from({ length: 2000 }, () => uuidv7(clock));
    expect(ids.every(isUuidV7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
  });
});

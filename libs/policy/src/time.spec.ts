import {
  addDays,
  addMonths,
  dateInMonth,
  eachDate,
  eachHalfYear,
  eachMonth,
  endOfLocalDay,
  halfYearBounds,
  halfYearOf,
  isLocalDate,
  isValidTimeZone,
  localDate,
  localDateTime,
  nextHalfYear,
  parseIsoInstant,
  startOfLocalDay,
  zonedTimeToInstant,
  zoneOffsetMs,
} from './time';

const H = 3_600_000;
const iso = (d: Date) => d.toISOString();

describe('zone offsets (ICU data)', () => {
  it.each([
    ['Asia/Almaty', '2024-02-29T12:00:00Z', 6 * H], // before the 2024-03-01 switch
    ['Asia/Almaty', '2024-03-02T12:00:00Z', 5 * H], // after it
    ['Asia/Almaty', '2004-07-01T00:00:00Z', 7 * H], // summer time, abolished in 2005
    ['Asia/Oral', '2024-02-29T12:00:00Z', 5 * H],
    ['Asia/Oral', '2024-03-02T12:00:00Z', 5 * H],
  ])('%s at %s is %d ms ahead of UTC', (zone, at, offset) => {
    expect(zoneOffsetMs(zone, new Date(at))).toBe(offset);
  });

  it('changes in Asia/Almaty exactly at 2024-03-01 00:00 local (+06), when clocks went back to 23:00', () => {
    expect(zoneOffsetMs('Asia/Almaty', Date.parse('2024-02-29T17:59:59.999Z'))).toBe(6 * H);
    expect(zoneOffsetMs('Asia/Almaty', Date.parse('2024-02-29T18:00:00.000Z'))).toBe(5 * H);
  });

  it('knows real zones only', () => {
    expect(isValidTimeZone('Asia/Oral')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('local date and time of an instant', () => {
  it.each([
    ['2024-02-29T17:59:59.999Z', 'Asia/Almaty', '2024-02-29'], // 23:59:59.999 +06
    ['2024-02-29T18:00:00.000Z', 'Asia/Almaty', '2024-02-29'], // 23:00 +05, the repeated hour
    ['2024-02-29T19:00:00.000Z', 'Asia/Almaty', '2024-03-01'],
    ['2024-02-29T18:59:59.999Z', 'Asia/Oral', '2024-02-29'],
    ['2024-02-29T19:00:00.000Z', 'Asia/Oral', '2024-03-01'],
    ['2023-12-31T18:00:00.000Z', 'Asia/Almaty', '2024-01-01'],
  ])('%s in %s falls on %s', (at, zone, date) => {
    expect(localDate(new Date(at), zone)).toBe(date);
  });

  it('keeps milliseconds', () => {
    expect(localDateTime(new Date('2024-03-05T18:59:59.999Z'), 'Asia/Oral')).toEqual({
      year: 2024, month: 3, day: 5, hour: 23, minute: 59, second: 59, millisecond: 999,
    });
  });
});

describe('instant of a local wall time', () => {
  it.each([
    ['2024-02-29', '07:00:00', 'Asia/Almaty', '2024-02-29T01:00:00.000Z'],
    ['2024-03-02', '07:00:00', 'Asia/Almaty', '2024-03-02T02:00:00.000Z'],
    ['2024-02-29', '07:00:00', 'Asia/Oral', '2024-02-29T02:00:00.000Z'],
    ['2024-03-02', '09:00:00', 'Asia/Oral', '2024-03-02T04:00:00.000Z'],
    ['2004-07-01', '07:00:00', 'Asia/Almaty', '2004-07-01T00:00:00.000Z'],
    ['2024-03-05', '23:59:59.999', 'Asia/Almaty', '2024-03-05T18:59:59.999Z'],
    // A wall time that happened twice (Almaty, clocks back at midnight): the earlier instant.
    ['2024-02-29', '23:30:00', 'Asia/Almaty', '2024-02-29T17:30:00.000Z'],
    // Europe/Berlin: 02:30 skipped on 2024-03-31 → pushed forward to 03:30 CEST; repeated on 2024-10-27 → CEST.
    ['2024-03-31', '02:30:00', 'Europe/Berlin', '2024-03-31T01:30:00.000Z'],
    ['2024-10-27', '02:30:00', 'Europe/Berlin', '2024-10-27T00:30:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, instant) => {
    expect(iso(zonedTimeToInstant(date, time, zone))).toBe(instant);
  });

  it('round-trips every hour of a year in both Kazakh zones', () => {
    for (const zone of ['Asia/Almaty', 'Asia/Oral']) {
      for (let ms = Date.parse('2023-12-31T00:00:00Z'); ms < Date.parse('2025-01-01T00:00:00Z'); ms += H) {
        const t = localDateTime(ms, zone);
        const date = `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
        const time = `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}:00`;
        const back = zonedTimeToInstant(date, time, zone).getTime();
        // Only the repeated hour in Almaty (23:xx on 2024-02-29, second pass) maps to its first occurrence.
        expect(back === ms || back === ms - H).toBe(true);
        if (!(zone === 'Asia/Almaty' && ms === Date.parse('2024-02-29T18:00:00Z'))) expect(back).toBe(ms);
      }
    }
  });

  it('bounds local days, including the 25-hour 2024-02-29 in Asia/Almaty', () => {
    expect(iso(startOfLocalDay('2024-02-29', 'Asia/Almaty'))).toBe('2024-02-28T18:00:00.000Z');
    expect(iso(endOfLocalDay('2024-02-29', 'Asia/Almaty'))).toBe('2024-02-29T18:59:59.999Z');
    expect(iso(startOfLocalDay('2024-03-01', 'Asia/Almaty'))).toBe('2024-02-29T19:00:00.000Z');
    expect(iso(endOfLocalDay('2024-02-29', 'Asia/Oral'))).toBe('2024-02-29T18:59:59.999Z');
    expect(iso(endOfLocalDay('2023-12-31', 'Asia/Almaty'))).toBe('2023-12-31T17:59:59.999Z');
  });
});

describe('calendar arithmetic', () => {
  it('validates dates, leap years included', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2023-02-29')).toBe(false);
    expect(isLocalDate('2000-02-29')).toBe(true);
    expect(isLocalDate('1900-02-29')).toBe(false);
    expect(isLocalDate('2024-13-01')).toBe(false);
    expect(isLocalDate('2024-1-01')).toBe(false);
  });

  it('adds days across February and the year end', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
    expect(eachDate('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('adds months across December → January', () => {
    expect(addMonths('2023-12', 1)).toBe('2024-01');
    expect(addMonths('2024-01', -1)).toBe('2023-12');
    expect(addMonths('2024-02', 23)).toBe('2026-01');
    expect(eachMonth('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(dateInMonth('2024-02', 29)).toBe('2024-02-29');
    expect(() => dateInMonth('2023-02', 29)).toThrow(RangeError);
  });

  it('knows half-years', () => {
    expect(halfYearOf('2024-06-30')).toBe('2024-H1');
    expect(halfYearOf('2024-07-01')).toBe('2024-H2');
    expect(nextHalfYear('2023-H2')).toBe('2024-H1');
    expect(halfYearBounds('2024-H2')).toEqual({ first: '2024-07-01', last: '2024-12-31' });
    expect(eachHalfYear('2023-H2', '2024-H2')).toEqual(['2023-H2', '2024-H1', '2024-H2']);
  });
});

describe('parseIsoInstant', () => {
  it.each([
    ['2024-03-01T07:00:00+05:00', '2024-03-01T02:00:00.000Z'],
    ['2024-03-01T07:00:00Z', '2024-03-01T07:00:00.000Z'],
    ['2024-03-01T07:00:00.5-01:30', '2024-03-01T08:30:00.500Z'],
    ['2024-03-01T07:00:00.123456+00:00', '2024-03-01T07:00:00.123Z'],
  ])('reads %s as %s', (text, instant) => {
    expect(parseIsoInstant(text)?.toISOString()).toBe(instant);
  });

  it.each(['2024-02-30T07:00:00Z', '2024-03-01T07:00:00', '2024-03-01 07:00:00Z', '2024-03-01T24:00:00Z', 'yesterday', '', 42])(
    'rejects %p',
    (text) => {
      expect(parseIsoInstant(text)).toBeUndefined();
    },
  );
});

import { bucketStart, defaultRange, eachBucket, overdueRange, rangeDays, rangeOf, rangeOfPeriod, selectionFor } from './ranges';

describe('selectionFor', () => {
  it('covers the range with a day of margin for any zone, and its months and half-years', () => {
    expect(selectionFor({ from: '2024-06-29', to: '2024-07-02' })).toEqual({
      dailyFrom: '2024-06-29',
      dailyTo: '2024-07-02',
      months: ['2024-06', '2024-07'],
      halves: ['2024-H1', '2024-H2'],
      lo: new Date('2024-06-28T00:00:00Z'),
      hi: new Date('2024-07-04T00:00:00Z'),
    });
  });
});

describe('ranges', () => {
  const now = new Date('2024-04-10T20:00:00Z'); // 01:00 on the 11th in Asia/Almaty (UTC+5)

  it('defaults to the last 7 local days up to today', () => {
    expect(defaultRange(now, 'Asia/Almaty')).toEqual({ from: '2024-04-05', to: '2024-04-11' });
    expect(rangeOf(undefined, undefined, now, 'Asia/Almaty')).toEqual({ from: '2024-04-05', to: '2024-04-11' });
  });

  it('completes a half-given range', () => {
    expect(rangeOf('2024-04-01', undefined, now, 'Asia/Almaty')).toEqual({ from: '2024-04-01', to: '2024-04-11' });
    expect(rangeOf(undefined, '2024-03-10', now, 'Asia/Almaty')).toEqual({ from: '2024-03-04', to: '2024-03-10' });
    expect(rangeOf('2024-05-01', undefined, now, 'Asia/Almaty')).toEqual({ from: '2024-05-01', to: '2024-05-01' });
  });

  it('counts days and finds the range holding everything due in the lookback', () => {
    expect(rangeDays({ from: '2024-02-28', to: '2024-03-01' })).toBe(3);
    expect(overdueRange(now, 'Asia/Almaty', 7)).toEqual({ from: '2024-03-28', to: '2024-04-12' });
  });

  it('maps a period to a range holding exactly its obligations', () => {
    expect(rangeOfPeriod('2024-04-09')).toEqual({ from: '2024-04-09', to: '2024-04-09' });
    expect(rangeOfPeriod('2024-04')).toEqual({ from: '2024-04-01', to: '2024-04-01' });
    expect(rangeOfPeriod('2024-H2')).toEqual({ from: '2024-07-01', to: '2024-07-01' });
    expect(rangeOfPeriod('2024-13')).toBeUndefined();
    expect(rangeOfPeriod('2024-02-30')).toBeUndefined();
  });
});

describe('buckets', () => {
  it('starts days, ISO weeks (Monday) and months', () => {
    expect(bucketStart('2024-04-10', 'day')).toBe('2024-04-10');
    expect(bucketStart('2024-04-14', 'week')).toBe('2024-04-08'); // Sunday → Monday before
    expect(bucketStart('2024-04-08', 'week')).toBe('2024-04-08');
    expect(bucketStart('2024-04-10', 'month')).toBe('2024-04-01');
  });

  it('lists every bucket overlapping the range', () => {
    expect(eachBucket({ from: '2024-02-28', to: '2024-03-01' }, 'day')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(eachBucket({ from: '2024-04-03', to: '2024-04-15' }, 'week')).toEqual(['2024-04-01', '2024-04-08', '2024-04-15']);
    expect(eachBucket({ from: '2023-12-15', to: '2024-02-01' }, 'month')).toEqual(['2023-12-01', '2024-01-01', '2024-02-01']);
  });
});

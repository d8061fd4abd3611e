/** Dates of birth as YYYY-MM-DD, compared exactly, with day and month swapped, or within a year. */

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d && y >= 1850 && y <= 2200;
}

/** Days since 1970-01-01 of a valid YYYY-MM-DD. */
export function dayNumber(s: string): number {
  const [y, m, d] = s.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

export type DateHow = 'exact' | 'day-month-swapped' | 'year-off-by-one' | 'within-a-month' | 'within-a-year' | 'different' | 'absent';

export function compareDates(a: string | undefined, b: string | undefined): DateHow {
  if (a === undefined || b === undefined) return 'absent';
  if (a === b) return 'exact';
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return 'day-month-swapped';
  if (ma === mb && da === db && Math.abs(Number(ya) - Number(yb)) === 1) return 'year-off-by-one';
  const diff = Math.abs(dayNumber(a) - dayNumber(b));
  if (diff <= 31) return 'within-a-month';
  if (diff <= 366) return 'within-a-year';
  return 'different';
}

/** The date with day and month in ascending order: the same for a date and its swapped reading. */
export function swapInvariant(s: string): string {
  const [y, m, d] = s.split('-');
  return m <= d ? `${y}${m}${d}` : `${y}${d}${m}`;
}

/**
 * Calendar and time-zone helpers, built on the ICU data in Node's Intl (no date library).
 *
 * Conventions used throughout @shekara/policy:
 * - An *instant* is a JavaScript Date (or epoch milliseconds): a point on the UTC time line.
 * - A *local date* is a string 'YYYY-MM-DD', a *month* 'YYYY-MM', a *half-year* 'YYYY-H1' / 'YYYY-H2',
 *   a *wall time* 'HH:MM:SS' or 'HH:MM:SS.mmm'. They mean nothing until read in an IANA zone.
 * - Zones are IANA names ('Asia/Almaty', 'Asia/Oral'). Historical offsets come from ICU, so
 *   instants before Kazakhstan's switch to a single UTC+5 on 2024-03-01 keep their old offsets.
 *
 * Everything is exact to the millisecond. Nothing here reads the clock.
 */

const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
  hour: number; // 0-23
  minute: number;
  second: number;
  millisecond: number;
}

/** One formatter per zone plus a cache of UTC offsets per UTC hour that contains no transition. */
interface ZoneData {
  format: Intl.DateTimeFormat;
  offsetByHour: Map<number, number>;
}
const zones = new Map<string, ZoneData>();

function zoneData(zone: string): ZoneData {
  let data = zones.get(zone);
  if (!data) {
    // Throws RangeError for an unknown zone.
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    data = { format, offsetByHour: new Map() };
    zones.set(zone, data);
  }
  return data;
}

/** True when `zone` is an IANA time zone that this runtime's ICU data knows. */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    zoneData(zone);
    return true;
  } catch {
    return false;
  }
}

function toMs(instant: Date | number): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid instant');
  return ms;
}

/** The offset (local minus UTC, in ms) of `zone` at `ms`, straight from Intl. */
function computeOffset(data: ZoneData, ms: number): number {
  const wholeSecond = ms - mod(ms, MS_PER_SECOND);
  const fields: Record<string, number> = {};
  for (const part of data.format.formatToParts(wholeSecond)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = utcMs(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second, 0);
  return wall - wholeSecond;
}

/**
 * The UTC offset of `zone` at `instant`, in milliseconds (Asia/Almaty on 2024-02-29: +6 h;
 * from 2024-03-01 00:00 local: +5 h). Results are cached per UTC hour when the offset is the same
 * at both ends of that hour (transitions fall on whole hours in practice; otherwise no caching).
 */
export function zoneOffsetMs(zone: string, instant: Date | number): number {
  const ms = toMs(instant);
  const data = zoneData(zone);
  const hour = Math.floor(ms / MS_PER_HOUR);
  const cached = data.offsetByHour.get(hour);
  if (cached !== undefined) return cached;
  const atStart = computeOffset(data, hour * MS_PER_HOUR);
  const atEnd = computeOffset(data, hour * MS_PER_HOUR + MS_PER_HOUR - 1);
  if (atStart === atEnd) {
    data.offsetByHour.set(hour, atStart);
    return atStart;
  }
  return computeOffset(data, ms);
}

/** The wall-clock reading of `instant` in `zone`. */
export function localDateTime(instant: Date | number, zone: string): LocalDateTime {
  const ms = toMs(instant);
  const wall = new Date(ms + zoneOffsetMs(zone, ms));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: wall.getUTCMilliseconds(),
  };
}

/** The local calendar date ('YYYY-MM-DD') of `instant` in `zone`. */
export function localDate(instant: Date | number, zone: string): string {
  const t = localDateTime(instant, zone);
  return formatDate(t.year, t.month, t.day);
}

/**
 * The instant at which the clocks in `zone` show `time` on `date`.
 *
 * Offset changes are resolved like Temporal's 'compatible' disambiguation: a wall time that occurs
 * twice (clocks set back, e.g. 23:30 on 2024-02-29 in Asia/Almaty) gives the earlier instant; a wall
 * time skipped by clocks set forward is pushed forward by the length of the gap.
 */
export function zonedTimeToInstant(date: string, time: string, zone: string): Date {
  const d = parseDate(date);
  const t = parseTime(time);
  const wall = utcMs(d.year, d.month, d.day, t.hour, t.minute, t.second, t.millisecond);
  // The offsets in force a day either side bracket any single transition near `wall`.
  const before = zoneOffsetMs(zone, wall - MS_PER_DAY);
  const after = zoneOffsetMs(zone, wall + MS_PER_DAY);
  const candidates = [wall - before, wall - after].filter((ms) => ms + zoneOffsetMs(zone, ms) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(wall - before); // In a gap: the wall time read with the offset from before it.
}

/** The first instant of local `date` in `zone`. */
export function startOfLocalDay(date: string, zone: string): Date {
  return zonedTimeToInstant(date, '00:00:00', zone);
}

/**
 * The last millisecond of local `date` in `zone` (23:59:59.999 local, or the last millisecond before
 * the next local day begins when the day is longer or shorter than 24 hours).
 */
export function endOfLocalDay(date: string, zone: string): Date {
  return new Date(startOfLocalDay(addDays(date, 1), zone).getTime() - 1);
}

// ---- Calendar arithmetic on plain strings (no zone involved) ----

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const HALF_YEAR_RE = /^(\d{4})-H([12])$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** True for a real calendar date 'YYYY-MM-DD' (so '2023-02-29' is false, '2024-02-29' true). */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(m[1]), month);
}

/** True for 'YYYY-MM' with a month 01-12. */
export function isMonth(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = MONTH_RE.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

/** True for 'YYYY-H1' (January-June) or 'YYYY-H2' (July-December). */
export function isHalfYear(value: unknown): value is string {
  return typeof value === 'string' && HALF_YEAR_RE.test(value);
}

/** True for a wall time 'HH:MM:SS' or 'HH:MM:SS.mmm' (00:00:00 to 23:59:59.999). */
export function isWallTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = TIME_RE.exec(value);
  return m !== null && Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) <= 59;
}

export function parseDate(date: string): { year: number; month: number; day: number } {
  if (!isLocalDate(date)) throw new RangeError(`not a calendar date YYYY-MM-DD: ${JSON.stringify(date)}`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function parseMonth(month: string): { year: number; month: number } {
  if (!isMonth(month)) throw new RangeError(`not a month YYYY-MM: ${JSON.stringify(month)}`);
  return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

function parseTime(time: string): { hour: number; minute: number; second: number; millisecond: number } {
  if (!isWallTime(time)) throw new RangeError(`not a wall time HH:MM:SS[.mmm]: ${JSON.stringify(time)}`);
  return {
    hour: Number(time.slice(0, 2)),
    minute: Number(time.slice(3, 5)),
    second: Number(time.slice(6, 8)),
    millisecond: time.length > 8 ? Number(time.slice(9)) : 0,
  };
}

/** `date` moved by `days` calendar days ('2024-02-28' + 1 = '2024-02-29'). */
export function addDays(date: string, days: number): string {
  const d = parseDate(date);
  const moved = new Date(utcMs(d.year, d.month, d.day + days, 0, 0, 0, 0));
  return formatDate(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate());
}

/** `month` moved by `months` ('2023-12' + 1 = '2024-01'). */
export function addMonths(month: string, months: number): string {
  const m = parseMonth(month);
  const index = m.year * 12 + (m.month - 1) + months;
  return formatMonth(Math.floor(index / 12), mod(index, 12) + 1);
}

/** The month ('YYYY-MM') that `date` lies in. */
export function monthOf(date: string): string {
  parseDate(date);
  return date.slice(0, 7);
}

/** The date of `day` in `month` ('2024-02', 29 → '2024-02-29'); the day must exist in that month. */
export function dateInMonth(month: string, day: number): string {
  const m = parseMonth(month);
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(m.year, m.month)) {
    throw new RangeError(`${month} has no day ${day}`);
  }
  return formatDate(m.year, m.month, day);
}

/** The half-year ('YYYY-H1' / 'YYYY-H2') that `date` lies in. */
export function halfYearOf(date: string): string {
  const d = parseDate(date);
  return `${pad(d.year, 4)}-H${d.month <= 6 ? 1 : 2}`;
}

/** The half-year after `halfYear` ('2023-H2' → '2024-H1'). */
export function nextHalfYear(halfYear: string): string {
  const m = HALF_YEAR_RE.exec(halfYear);
  if (!m) throw new RangeError(`not a half-year YYYY-H1|H2: ${JSON.stringify(halfYear)}`);
  return m[2] === '1' ? `${m[1]}-H2` : `${pad(Number(m[1]) + 1, 4)}-H1`;
}

/** The first and last local dates of a half-year ('2024-H1' → 2024-01-01 … 2024-06-30). */
export function halfYearBounds(halfYear: string): { first: string; last: string } {
  const m = HALF_YEAR_RE.exec(halfYear);
  if (!m) throw new RangeError(`not a half-year YYYY-H1|H2: ${JSON.stringify(halfYear)}`);
  return m[2] === '1' ? { first: `${m[1]}-01-01`, last: `${m[1]}-06-30` } : { first: `${m[1]}-07-01`, last: `${m[1]}-12-31` };
}

/** Every date from `from` to `to` inclusive, in order (empty when `to` < `from`). */
export function eachDate(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** Every month from `from` to `to` inclusive, in order. */
export function eachMonth(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** Every half-year from `from` to `to` inclusive, in order. */
export function eachHalfYear(from: string, to: string): string[] {
  const halves: string[] = [];
  for (let h = from; h <= to; h = nextHalfYear(h)) halves.push(h);
  return halves;
}

// ---- ISO 8601 instants ----

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO 8601 instant that states its offset ('2024-03-01T07:00:00+05:00', '...Z').
 * Rejects impossible dates ('2023-02-29') and strings without an offset, which JavaScript's Date
 * would otherwise read in the process's zone or roll over. Fractions beyond milliseconds are
 * truncated. Returns undefined when `value` is not such an instant.
 */
export function parseIsoInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = INSTANT_RE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (!isLocalDate(`${m[1]}-${m[2]}-${m[3]}`) || hour > 23 || minute > 59 || second > 59) return undefined;
  const millisecond = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let offset = 0;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offset = sign * (oh * 60 + om) * 60_000;
  }
  return new Date(utcMs(year, month, day, hour, minute, second, millisecond) - offset);
}

// ---- internals ----

function utcMs(year: number, month: number, day: number, h: number, mi: number, s: number, ms: number): number {
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, mi, s, ms);
  return d.getTime();
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatMonth(year: number, month: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}`;
}

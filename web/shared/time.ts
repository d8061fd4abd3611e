/**
 * Time in the unit's IANA zone, with Intl only. Instants travel as RFC 3339 UTC strings; people see
 * "21.11.2026 07:15 (Asia/Almaty, UTC+05:00)" and the full instant on hover.
 */
import type { Lang } from './i18n';

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(zone: string, opts: Intl.DateTimeFormatOptions, key: string): Intl.DateTimeFormat {
  const k = `${zone}|${key}`;
  let f = fmtCache.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...opts });
    fmtCache.set(k, f);
  }
  return f;
}

function parts(date: Date, zone: string): Record<string, string> {
  const out: Record<string, string> = {};
  const f = fmt(zone, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }, 'parts');
  for (const p of f.formatToParts(date)) out[p.type] = p.value;
  return out;
}

/** "UTC+05:00" for the zone at that instant (historical offsets included). */
export function utcOffset(date: Date, zone: string): string {
  const p = fmt(zone, { timeZoneName: 'longOffset' }, 'offset').formatToParts(date).find((x) => x.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}:\d{2})?/.exec(p);
  return `UTC${m?.[1] ?? '+00:00'}`;
}

function offsetMinutes(date: Date, zone: string): number {
  const m = /UTC([+-])(\d{2}):(\d{2})/.exec(utcOffset(date, zone));
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

export function toDate(v: string | Date | null | undefined): Date | null {
  if (!v) return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "21.11.2026 07:15" in the zone. */
export function localDateTime(v: string | Date, zone: string, seconds = false): string {
  const d = toDate(v);
  if (!d) return '';
  const p = parts(d, zone);
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
}

/** "21.11.2026 07:15 (Asia/Almaty, UTC+05:00)". */
export function formatInstant(v: string | Date, zone: string): string {
  const d = toDate(v);
  if (!d) return '';
  return `${localDateTime(d, zone)} (${zone}, ${utcOffset(d, zone)})`;
}

/** The full instant for a title attribute: local with seconds, the zone, and UTC ISO. */
export function fullInstant(v: string | Date, zone: string): string {
  const d = toDate(v);
  if (!d) return '';
  return `${localDateTime(d, zone, true)} ${zone} ${utcOffset(d, zone)} — ${d.toISOString()}`;
}

/** The local calendar day "YYYY-MM-DD" in the zone. */
export function localDay(v: Date, zone: string): string {
  const p = parts(v, zone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "YYYY-MM-DDTHH:mm" (the value of an <input type=datetime-local>) for an instant in the zone. */
export function toZonedInput(v: string | Date | null | undefined, zone: string): string {
  const d = toDate(v);
  if (!d) return '';
  const p = parts(d, zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant (RFC 3339, UTC) of a wall-clock "YYYY-MM-DDTHH:mm" in the zone; null if malformed. */
export function fromZonedInput(wall: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!m) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  // Two passes settle the offset around transitions.
  let t = asUtc - offsetMinutes(new Date(asUtc), zone) * 60_000;
  t = asUtc - offsetMinutes(new Date(t), zone) * 60_000;
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

/** "1:59:07" for a positive span; the caller shows the sign. */
export function formatSpan(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${h}:${mm}:${ss}`;
}

export function relativeLabel(lang: Lang): Intl.RelativeTimeFormat {
  return new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
}

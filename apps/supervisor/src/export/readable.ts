/**
 * Exports for people (`lang=ru|en` on a listing): beside each unit id its name in the chosen
 * language, instants as local time in the owing unit's zone (with the zone and its offset), and
 * verdict and obligation names in words. Without `lang` the files keep the machine format of
 * `shekara audit` (ids, ISO 8601 UTC), which the cross-checks compare byte for byte.
 */
import type { Column } from './export';
import type { UnitInfo } from '../verdicts/units';

export const EXPORT_LANGS = ['ru', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

const WORDS: Record<string, [ru: string, en: string]> = {
  DAILY: ['ежедневная информация', 'daily information'],
  MONTHLY: ['ежемесячная информация', 'monthly information'],
  SEMIANNUAL: ['полугодовая информация', 'semi-annual information'],
  URGENT_CONFIRMATION: ['письменное подтверждение срочного донесения', 'written confirmation of an urgent report'],
  ADVANCE: ['заблаговременное уведомление', 'advance notice'],
  ON_TIME: ['в срок', 'on time'],
  LATE: ['с опозданием', 'late'],
  EARLY: ['преждевременно', 'early'],
  MISSING: ['не представлено', 'missing'],
  PENDING: ['срок не истёк', 'pending'],
  CONFIRMED_ON_TIME: ['подтверждено в срок', 'confirmed on time'],
  CONFIRMED_LATE: ['подтверждено с опозданием', 'confirmed late'],
  UNCONFIRMED: ['не подтверждено', 'unconfirmed'],
  IN_ADVANCE: ['заблаговременно', 'in advance'],
  DISCREPANCY: ['расхождение', 'discrepancy'],
  AWAITING: ['ожидаются показатели', 'awaiting figures'],
  EXPLAINED: ['расхождение пояснено', 'explained'],
  AGREED: ['сходится', 'agreed'],
};

const HEADERS: Record<string, [ru: string, en: string]> = {
  from_name: ['отправитель (наименование)', 'sender (name)'],
  to_name: ['адресат (наименование)', 'counterpart (name)'],
  name: ['наименование', 'name'],
  obligation_name: ['обязанность (словами)', 'obligation (in words)'],
  verdict_name: ['оценка (словами)', 'verdict (in words)'],
  due_local: ['срок (местное время)', 'due (local time)'],
  handing_name: ['передающее подразделение (наименование)', 'handing unit (name)'],
  receiving_name: ['принимающее подразделение (наименование)', 'receiving unit (name)'],
  status_name: ['сверка (словами)', 'status (in words)'],
};

export function word(lang: ExportLang, key: string | undefined | null): string {
  if (!key) return '';
  const w = WORDS[key];
  return w ? w[lang === 'ru' ? 0 : 1] : key;
}

export function header(lang: ExportLang, key: keyof typeof HEADERS): string {
  return HEADERS[key][lang === 'ru' ? 0 : 1];
}

export function unitName(units: ReadonlyMap<string, UnitInfo>, lang: ExportLang, id: string | undefined | null): string {
  if (!id) return '';
  const u = units.get(id);
  return u ? (lang === 'ru' ? u.nameRu : u.nameEn) : '';
}

/** "2024-04-09 09:00:00 (Asia/Almaty, UTC+05:00)": an instant as the unit's local wall-clock time. */
export function localTime(at: Date | string | undefined | null, zone: string): string {
  if (!at) return '';
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return '';
  const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(d);
  const offset = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  return `${wall} (${zone}, ${offset === 'GMT' ? 'UTC+00:00' : offset.replace('GMT', 'UTC')})`;
}

/** A listing's columns for people: each machine column, followed by its readable companion where it has one. */
export function withReadable<T>(columns: readonly Column<T>[], companions: Record<string, Column<T>>): Column<T>[] {
  return columns.flatMap((c) => (companions[c.header] ? [c, companions[c.header]] : [c]));
}

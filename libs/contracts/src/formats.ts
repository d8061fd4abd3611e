/**
 * Formats of the string fields of the shekara.v1 contract (see the conventions in
 * proto/shekara/v1/common.proto). Shared by the HTTP DTOs and the bus-side envelope checks.
 */
import { AGENCIES } from './agencies';

/** UUIDv7 (RFC 9562) in lower-case hex: the format of every message id. */
export const UUID_V7_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Unit id `<agency>.<level>.<code>`, e.g. "border.l4.CP-CN-A-01" (levels of clause 8). */
export const UNIT_ID_RE = new RegExp(`^(${AGENCIES.join('|')})\\.l[1-5]\\.[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`);

/** Checkpoint id from the reference list: "CP-CN-A-01", "CP-AIR-ALA", "CP-SEA-01". */
export const CHECKPOINT_ID_RE = /^CP(-[A-Z0-9]{1,8}){1,4}$/;

/** ISO 3166-1 alpha-3 state code (upper case; "XXA" denotes a stateless person). */
export const ALPHA3_RE = /^[A-Z]{3}$/;

/** Local calendar date "YYYY-MM-DD" (syntax only; see {@link isCalendarDate}). */
export const LOCAL_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Month "YYYY-MM" (MONTHLY period). */
export const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Half-year "YYYY-H1" / "YYYY-H2" (SEMIANNUAL period). */
export const HALF_YEAR_RE = /^\d{4}-H[12]$/;

/** Media type "type/subtype" (RFC 6838 restricted names, optional parameters not allowed). */
export const MEDIA_TYPE_RE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** A file name without directories or control characters. */
export const FILENAME_RE = /^[^/\\\u0000-\u001f]+$/;

/** Whether `s` is "YYYY-MM-DD" naming a day that exists in the Gregorian calendar, year 1900 on. */
export function isCalendarDate(s: string): boolean {
  if (!LOCAL_DATE_RE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  if (y < 1900) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Maximum decoded size of one attachment's content: 1 MiB. */
export const MAX_ATTACHMENT_BYTES = 1024 * 1024;

/** Maximum number of recipient units of one message. */
export const MAX_RECIPIENTS = 50;

/** The schema versions this code can read; Envelope.schema_version must be one of them. */
export const SUPPORTED_SCHEMA_VERSIONS: readonly number[] = [1];

/** The schema version this code writes. */
export const CURRENT_SCHEMA_VERSION = 1;

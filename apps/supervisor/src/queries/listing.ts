import type { AuditRange } from '@shekara/policy';
import type { Listing } from '../export/export';

/**
 * What a listing use case returns: the full filtered rows (exports take them all), their JSON form
 * (a page of them is served), and what the JSON answer says besides the rows.
 */
export interface ListingResult<T> {
  meta: Record<string, unknown>;
  listing: Listing<T>;
  json: (row: T) => unknown;
}

export function rangeName(prefix: string, range: AuditRange): string {
  return `${prefix}-${range.from}_${range.to}`;
}

export function rate(onTime: number, judged: number): number | null {
  return judged === 0 ? null : Math.round((onTime / judged) * 10_000) / 10_000;
}

import type { Verdict } from './types';

/**
 * The wire form of a verdict, shared by `shekara audit` (JSONL/CSV) and the supervisor ledger's
 * listings, so they can be compared line by line: snake_case, instants in ISO 8601 UTC, absent
 * fields left out, keys always in this order.
 */
export interface VerdictRecord {
  obligation: string;
  from: string;
  to?: string;
  period?: string;
  ref?: string;
  due: string;
  verdict: string;
  message?: string;
  late_by_s?: number;
}

/** The record's fields in their documented order (also the CSV columns). */
export const VERDICT_COLUMNS = ['obligation', 'from', 'to', 'period', 'ref', 'due', 'verdict', 'message', 'late_by_s'] as const;

export function toRecord(v: Verdict): VerdictRecord {
  // Spelled out field by field so the JSON key order is always the documented one.
  return {
    obligation: v.obligation,
    from: v.from,
    ...(v.to !== undefined ? { to: v.to } : {}),
    ...(v.period !== undefined ? { period: v.period } : {}),
    ...(v.ref !== undefined ? { ref: v.ref } : {}),
    due: v.due.toISOString(),
    verdict: v.verdict,
    ...(v.message !== undefined ? { message: v.message } : {}),
    ...(v.lateBySeconds !== undefined ? { late_by_s: v.lateBySeconds } : {}),
  };
}

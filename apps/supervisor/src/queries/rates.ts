/** Counting verdicts into on-time rates, and the date a verdict is charted on. Pure. */
import { halfYearBounds, localDate } from '@shekara/policy';
import type { AuditRange, Verdict, VerdictName } from '@shekara/policy';
import type { StoredMessage } from '../ledger/ledger.store';
import { ON_TIME_VERDICTS, VERDICT_NAMES, isJudged } from '../verdicts/records';

export type VerdictCounts = Record<VerdictName, number>;

export interface Tally {
  judged: number;
  onTime: number;
  counts: VerdictCounts;
}

export function emptyTally(): Tally {
  return { judged: 0, onTime: 0, counts: Object.fromEntries(VERDICT_NAMES.map((n) => [n, 0])) as VerdictCounts };
}

export function count(t: Tally, v: Verdict): void {
  t.counts[v.verdict]++;
  if (isJudged(v.verdict)) t.judged++;
  if (ON_TIME_VERDICTS.has(v.verdict)) t.onTime++;
}

/**
 * The local date a verdict belongs to, inside the range: a DAILY period's date; the first day of a
 * month or half-year (or the range's first day when that is later); the local date of an urgent
 * report's oral report or of an advance notice's sending (sender's zone).
 */
export function verdictDate(v: Verdict, range: AuditRange, messages: ReadonlyMap<string, StoredMessage>, zoneOf: (unit: string) => string): string {
  let date: string;
  switch (v.obligation) {
    case 'DAILY':
      date = v.period!;
      break;
    case 'MONTHLY':
      date = `${v.period}-01`;
      break;
    case 'SEMIANNUAL':
      date = halfYearBounds(v.period!).first;
      break;
    case 'URGENT_CONFIRMATION': {
      const urgent = messages.get(v.ref!);
      date = urgent?.reportedAt ? localDate(urgent.reportedAt, zoneOf(v.from)) : range.from;
      break;
    }
    case 'ADVANCE': {
      const notice = messages.get(v.ref!);
      date = notice ? localDate(notice.sentAt, zoneOf(v.from)) : range.from;
      break;
    }
    case 'HANDOVER_ACCEPTANCE': {
      // Filed under the local date of the handover, in the handing unit's zone (as the engine selects it).
      const act = messages.get(v.ref!);
      date = act?.eventAt ? localDate(act.eventAt, zoneOf(v.to!)) : range.from;
      break;
    }
  }
  return date < range.from ? range.from : date > range.to ? range.to : date;
}

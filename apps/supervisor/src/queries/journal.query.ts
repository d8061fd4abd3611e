import { Injectable } from '@nestjs/common';
import type { AuditMessage, AuditRange } from '@shekara/policy';
import { VerdictService } from '../verdicts/verdict.service';
import type { Scope } from '../verdicts/scope';

/** A journal line of `shekara audit` (snake_case, instants in ISO 8601 UTC, absent fields left out). */
export interface JournalRecord {
  id: string;
  kind: string;
  from: string;
  to: string[];
  sent_at: string;
  reported_at?: string;
  confirms?: string;
  period?: string;
  event_at?: string;
  items?: string[];
}

export function journalRecord(m: AuditMessage): JournalRecord {
  return {
    id: m.id,
    kind: m.kind,
    from: m.from,
    to: m.to,
    sent_at: m.sentAt.toISOString(),
    ...(m.reportedAt ? { reported_at: m.reportedAt.toISOString() } : {}),
    ...(m.confirms !== undefined ? { confirms: m.confirms } : {}),
    ...(m.period !== undefined ? { period: m.period } : {}),
    ...(m.eventAt ? { event_at: m.eventAt.toISOString() } : {}),
    ...(m.items ? { items: m.items } : {}),
  };
}

/**
 * GET /api/journal: the ledger messages the verdicts of a range rest on, as a JSONL journal for
 * `shekara audit --journal … --from … --to …` (same range): the offline audit of it gives the same
 * verdicts as GET /api/verdicts for that range and instant.
 */
@Injectable()
export class JournalQuery {
  constructor(private readonly verdicts: VerdictService) {}

  async run(range: AuditRange, scope: Scope): Promise<{ asOf: Date; lines: string }> {
    const set = await this.verdicts.verdicts(range);
    return { asOf: set.asOf, lines: set.journal.filter((m) => scope.message(m)).map((m) => JSON.stringify(journalRecord(m)) + '\n').join('') };
  }
}

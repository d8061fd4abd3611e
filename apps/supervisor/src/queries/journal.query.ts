import { Injectable } from '@nestjs/common';
import type { AuditMessage, AuditRange } from '@shekara/policy';
import { LedgerStore } from '../ledger/ledger.store';
import { SupervisorMetrics } from '../ops/metrics';
import { selectionFor } from '../verdicts/ranges';
import { rangePolicy } from '../verdicts/verdict.service';
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

/** Ledger rows read per fetch of a streamed export. */
export const EXPORT_BATCH = 1000;

/**
 * GET /api/journal: the ledger messages the verdicts of a range rest on, as a JSONL journal for
 * `shekara audit --journal … --from … --to …` (same range): the offline audit of it gives the same
 * verdicts as GET /api/verdicts for that range and instant. Streamed: read through a cursor a batch
 * at a time and written as read, so the heap does not grow with the range; `signal` (the client
 * gone) stops the reading and closes the query.
 */
@Injectable()
export class JournalQuery {
  constructor(
    private readonly store: LedgerStore,
    private readonly metrics: SupervisorMetrics,
  ) {}

  /** The journal's lines, a batch of them at a time (the caller's scope applied). */
  async *stream(range: AuditRange, scope: Scope, signal: AbortSignal, batch = EXPORT_BATCH): AsyncGenerator<string> {
    rangePolicy(range); // the same refusal as the verdicts of the range
    this.metrics.exportsRunning.inc();
    try {
      for await (const messages of this.store.streamMessagesFor(selectionFor(range), signal, batch)) {
        this.metrics.exportRows.inc({ export: 'journal' }, messages.length);
        const lines = messages.filter((m) => scope.message(m)).map((m) => JSON.stringify(journalRecord(m)) + '\n');
        if (lines.length) yield lines.join('');
      }
    } finally {
      this.metrics.exportsRunning.dec();
    }
  }
}

/**
 * A message's timeline as facts: every node reports what it saw (the sender's node SENT and, from
 * receipts, DELIVERED/READ; each recipient's node RECEIVED and READ), so one fact arrives as up to
 * two events. A fact is listed once, per unit it concerns, with the nodes that observed it. Pure.
 */
import type { LedgerAction } from '../ledger/audit-event';
import type { TimelineEvent } from '../ledger/ledger.store';

export type FactName = 'SENT' | 'DELIVERED' | 'READ' | 'REJECTED' | 'DEAD_LETTERED';

/** RECEIVED (at the recipient's node) and DELIVERED (at the sender's, from the receipt) are one fact. */
const FACT_OF: Record<LedgerAction, FactName> = { SENT: 'SENT', RECEIVED: 'DELIVERED', DELIVERED: 'DELIVERED', READ: 'READ', REJECTED: 'REJECTED', DEAD_LETTERED: 'DEAD_LETTERED' };

export interface Observation {
  node: string;
  action: LedgerAction;
  at: string;
  actor: string;
  event_id: string;
}

export interface Fact {
  fact: FactName;
  /** The unit the fact concerns (the recipient unit; null for SENT). */
  unit: string | null;
  /** When it happened: the earliest observation. */
  at: string;
  /** Who did it: the first observation's actor other than the bus, if any. */
  actor: string;
  reason?: string;
  observed_by: Observation[];
}

export function timelineFacts(events: readonly TimelineEvent[]): Fact[] {
  const facts = new Map<string, Fact & { t: number }>();
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.eventId < b.eventId ? -1 : 1));
  for (const e of sorted) {
    const fact = FACT_OF[e.action];
    const units = fact === 'SENT' || e.units.length === 0 ? [null] : e.units;
    for (const unit of units) {
      const key = `${fact}|${unit ?? ''}`;
      const seen: Observation = { node: e.node, action: e.action, at: e.at.toISOString(), actor: e.actor, event_id: e.eventId };
      const f = facts.get(key);
      if (!f) {
        facts.set(key, { fact, unit, at: seen.at, actor: e.actor, ...(e.reason ? { reason: e.reason } : {}), observed_by: [seen], t: e.at.getTime() });
        continue;
      }
      f.observed_by.push(seen);
      if (f.actor === 'bus' && e.actor !== 'bus') f.actor = e.actor;
      if (!f.reason && e.reason) f.reason = e.reason;
    }
  }
  return [...facts.values()].sort((a, b) => a.t - b.t).map(({ t: _, ...f }) => f);
}

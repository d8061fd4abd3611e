import { Injectable } from '@nestjs/common';
import { POLICIES, policyAt } from '@shekara/policy';
import { LedgerStore } from '../ledger/ledger.store';
import type { UnconfirmedUrgent } from '../ledger/ledger.store';

/** The most due escalations one call returns; the scheduler sweeps again for the rest. */
export const DUE_ESCALATIONS_LIMIT = 1000;

/**
 * RPC escalations.due: urgent reports with no written confirmation (from their own sender) whose
 * deadline — reported_at + the policy's limit, the engine's own rule — passed before asOf (or
 * passes within the horizon), not yet escalated; and handover acts unanswered past their
 * acceptance deadline, neither withdrawn nor escalated.
 */
@Injectable()
export class DueEscalationsQuery {
  constructor(private readonly store: LedgerStore) {}

  async run(asOf: Date, horizonS: number): Promise<UnconfirmedUrgent[]> {
    const { rules } = policyAt(POLICIES, asOf);
    const until = new Date(asOf.getTime() + horizonS * 1000);
    const urgents = await this.store.unconfirmedUrgents(asOf, until, rules.urgentConfirmation.withinMs, DUE_ESCALATIONS_LIMIT);
    // Handover acts left unanswered past their acceptance deadline (clause 9.6), by the same rule as the engine's.
    const acts = await this.store.unansweredActs(asOf, until, rules.handover.acceptWithinMs, DUE_ESCALATIONS_LIMIT);
    return [...urgents, ...acts].sort((a, b) => a.due.getTime() - b.due.getTime() || (a.id < b.id ? -1 : 1)).slice(0, DUE_ESCALATIONS_LIMIT);
  }
}

/** RPC escalations.mark: records that an urgent report was escalated (idempotent). */
@Injectable()
export class MarkEscalatedCommand {
  constructor(private readonly store: LedgerStore) {}

  /** True when it had been marked before (nothing changed). */
  async run(urgentId: string, at: Date): Promise<boolean> {
    return this.store.markEscalated(urgentId, at);
  }
}

import { Injectable } from '@nestjs/common';
import { POLICIES, policyAt } from '@shekara/policy';
import { LedgerStore } from '../ledger/ledger.store';
import type { UnconfirmedUrgent } from '../ledger/ledger.store';

/** The most due escalations one call returns; the scheduler sweeps again for the rest. */
export const DUE_ESCALATIONS_LIMIT = 1000;

/**
 * RPC escalations.due: urgent reports with no written confirmation (from their own sender) whose
 * deadline — reported_at + the policy's limit, the engine's own rule — passed before asOf (or
 * passes within the horizon), not yet escalated.
 */
@Injectable()
export class DueEscalationsQuery {
  constructor(private readonly store: LedgerStore) {}

  async run(asOf: Date, horizonS: number): Promise<UnconfirmedUrgent[]> {
    const withinMs = policyAt(POLICIES, asOf).rules.urgentConfirmation.withinMs;
    return this.store.unconfirmedUrgents(asOf, new Date(asOf.getTime() + horizonS * 1000), withinMs, DUE_ESCALATIONS_LIMIT);
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

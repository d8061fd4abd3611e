/**
 * The plain inputs and outputs of the verdict engine. They are independent of any storage or file
 * format: the offline audit CLI builds them from a journal file, the supervisor ledger from its
 * database.
 */
import type { Level } from './policy';

export interface Unit {
  id: string;
  /**
   * The unit's agency code. The engine's rules do not depend on it; the list of agencies belongs to
   * the contract (@shekara/contracts AGENCIES), which validateDirectory() takes from its caller.
   */
  agency: string;
  level: Level;
  /** IANA zone whose wall clock is the unit's local time. */
  zone: string;
}

/** The counterpart units of one level that exchange with each other (every ordered pair of members). */
export interface InteractionGroup {
  id: string;
  level: Level;
  members: string[];
}

export interface Directory {
  units: Unit[];
  groups: InteractionGroup[];
}

export const MESSAGE_KINDS = [
  'URGENT',
  'URGENT_CONFIRMATION',
  'DAILY',
  'MONTHLY',
  'ADVANCE',
  'SEMIANNUAL',
  'HANDOVER_PROPOSAL',
  'HANDOVER_ACCEPTANCE',
  'HANDOVER_DISPUTE',
  'HANDOVER_WITHDRAWAL',
  'STATISTICS',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export interface AuditMessage {
  id: string;
  kind: MessageKind;
  /** Sending unit id; its zone is the local time every rule is read in. */
  from: string;
  /** Recipient unit ids; the message counts towards the obligation to each of them. */
  to: string[];
  sentAt: Date;
  /** URGENT: when the oral report was made (the 2-hour deadline runs from here). */
  reportedAt?: Date;
  /** URGENT_CONFIRMATION: id of the URGENT message confirmed. */
  confirms?: string;
  /** DAILY: 'YYYY-MM-DD' (optional); MONTHLY: 'YYYY-MM'; SEMIANNUAL: 'YYYY-H1' | 'YYYY-H2'. */
  period?: string;
  /** ADVANCE: when the announced event takes place. HANDOVER_PROPOSAL: when the items were handed over. */
  eventAt?: Date;
  /** HANDOVER_PROPOSAL: the kinds of the items handed over (HANDOVER_ITEM_KINDS), each once. */
  items?: string[];
}

/** Kinds of the items of a handover act (clause 9.6); the acceptance deadline depends on them. */
export const HANDOVER_ITEM_KINDS = ['person', 'goods', 'vehicle', 'document', 'weapon'] as const;
export type HandoverItemKind = (typeof HANDOVER_ITEM_KINDS)[number];

/** Listed in the order verdicts are sorted in. */
export const OBLIGATIONS = ['DAILY', 'MONTHLY', 'SEMIANNUAL', 'URGENT_CONFIRMATION', 'ADVANCE', 'HANDOVER_ACCEPTANCE'] as const;
export type Obligation = (typeof OBLIGATIONS)[number];

export type PeriodicVerdict = 'ON_TIME' | 'LATE' | 'EARLY' | 'MISSING' | 'PENDING';
export type ConfirmationVerdict = 'CONFIRMED_ON_TIME' | 'CONFIRMED_LATE' | 'UNCONFIRMED' | 'PENDING';
export type AdvanceVerdict = 'IN_ADVANCE' | 'LATE';
export type HandoverVerdict = 'ACCEPTED_ON_TIME' | 'ACCEPTED_LATE' | 'UNANSWERED' | 'PENDING';
export type VerdictName = PeriodicVerdict | ConfirmationVerdict | AdvanceVerdict | HandoverVerdict;

/**
 * One verdict on one obligation.
 *
 * - Periodic obligations (DAILY, MONTHLY, SEMIANNUAL) are owed by `from` to `to` for `period`.
 *   Per-report obligations (URGENT_CONFIRMATION, ADVANCE) have no `to` and no `period`; `ref` is the
 *   id of the urgent report or advance notice judged.
 * - `due` is the last instant at which the obligation is met on time: the inclusive end of the
 *   window (DAILY 09:00:00.000, MONTHLY the 5th 23:59:59.999, SEMIANNUAL the half-year's last
 *   millisecond, all in the sender's zone), the confirmation deadline (reported_at + 2 h, inclusive),
 *   or for ADVANCE the event instant minus the policy's lead time (the notice must be sent strictly
 *   before it).
 * - `message` is the id of the message the verdict rests on: the one that satisfied the obligation,
 *   for LATE/EARLY the one that came closest to the window, for ADVANCE the notice itself; absent
 *   for MISSING, UNCONFIRMED and PENDING.
 * - `lateBySeconds` is present only on LATE and CONFIRMED_LATE verdicts: how long after `due` the
 *   message was sent, in whole seconds rounded up (so 1 ms late counts as 1 s; an advance notice
 *   sent exactly at its event is LATE by 0).
 * - HANDOVER_ACCEPTANCE is owed by the receiving unit (`from`) to the handing unit (`to`) for the act
 *   `ref`; `due` is the handover instant plus the policy's acceptance time for the most urgent kind
 *   of item in the act; `message` is the answer (acceptance, partial acceptance or dispute).
 */
export interface Verdict {
  obligation: Obligation;
  from: string;
  to?: string;
  period?: string;
  ref?: string;
  due: Date;
  verdict: VerdictName;
  message?: string;
  lateBySeconds?: number;
}

/** Local dates 'YYYY-MM-DD', both inclusive. */
export interface AuditRange {
  from: string;
  to: string;
}

/** A message the engine refused, with its position in the input list. */
export interface MessageIssue {
  index: number;
  id?: string;
  reason: string;
}

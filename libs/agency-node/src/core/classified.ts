import { mayRead } from '@shekara/auth';
import type { AuthUser } from '@shekara/auth';

/**
 * Classification at the node: a message classified above a user's clearance (mayRead) opens only
 * for users cleared for it; to others its summary, payload and persons are withheld everywhere they
 * are listed (inbox/outbox, search, person checks) and opening it is refused; the ledger never
 * receives the summary of a CONFIDENTIAL message.
 */

/** The stored classification (short name, as messages hold it) or the contract's name. */
export function isConfidential(classification: string): boolean {
  return classification === 'CONFIDENTIAL' || classification === 'CLASSIFICATION_CONFIDENTIAL';
}

/** Whether the user may read a message of this classification. */
export function cleared(user: Pick<AuthUser, 'clearance'>, classification: string): boolean {
  return mayRead(user.clearance ?? 'UNCLASSIFIED', classification);
}

/** The stored classifications a user may read (for queries that must not match the others' text). */
export function readableClassifications(user: Pick<AuthUser, 'clearance'>): string[] {
  return ['UNSPECIFIED', 'UNCLASSIFIED', 'FOR_OFFICIAL_USE', 'CONFIDENTIAL'].filter((c) => cleared(user, c));
}

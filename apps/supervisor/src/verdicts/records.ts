/** Verdict names and how the ledger counts them; the verdict record itself comes from the policy. */
import type { VerdictName } from '@shekara/policy';

export { VERDICT_COLUMNS, toRecord } from '@shekara/policy';
export type { VerdictRecord } from '@shekara/policy';

/** Every verdict name, in the order counts are listed. */
export const VERDICT_NAMES: readonly VerdictName[] = [
  'ON_TIME',
  'LATE',
  'EARLY',
  'MISSING',
  'PENDING',
  'CONFIRMED_ON_TIME',
  'CONFIRMED_LATE',
  'UNCONFIRMED',
  'IN_ADVANCE',
];

/** Verdicts that count as "on time" for the on-time rate. */
export const ON_TIME_VERDICTS: ReadonlySet<VerdictName> = new Set(['ON_TIME', 'CONFIRMED_ON_TIME', 'IN_ADVANCE']);

/** A verdict is judged once it is no longer PENDING. */
export function isJudged(v: VerdictName): boolean {
  return v !== 'PENDING';
}

/**
 * Why a node refused a bus message for good: the reason codes of its dead letters. A dead letter's
 * `Shekara-Reason` header is `<code>: <detail>` (the code one of these values, the detail free
 * text for people), and `Shekara-Reason-Code` carries the code alone. docs/protocol.md lists exactly
 * these codes (a test compares them), in the order the checks run.
 */
export enum DeadLetterReason {
  /** The bytes are not a SignedEnvelope, or its `envelope` is not an Envelope, or createdAt is not an instant. */
  Malformed = 'malformed',
  /** No key id or no signature. */
  Unsigned = 'unsigned',
  /** The signature (or batch proof) does not verify, or the signing unit is not the envelope's sender. */
  BadSignature = 'bad signature',
  /** The directory knows no such key id (checked with the key's validity, after the signature). */
  UnknownKey = 'unknown key',
  /** The envelope was created before the key's notBefore. */
  KeyNotYetValid = 'key not yet valid',
  /** The envelope was created at or after the key's notAfter. */
  ExpiredKey = 'expired key',
  /** The key is revoked: it verifies nothing, whatever creation time the envelope states. */
  RevokedKey = 'revoked key',
  /** The signing unit is not a unit of the agency the bus delivered it from (the subject's `from.<agency>`, which the server guarantees). */
  WrongSender = 'wrong sender',
  /** The envelope breaks the schema rules (required fields, lengths, kind and payload agree, ...). */
  Schema = 'schema',
  /** createdAt is ahead of the recipient's clock by more than the policy's clock skew. */
  ClockSkew = 'clock skew',
  /** The report's own times were implausible at its creation (libs/policy plausibility). */
  ImplausibleTime = 'implausible time',
  /** None of the recipients is a unit of the receiving agency. */
  NotAddressed = 'not addressed',
  /** The sender shares no interaction group with a local recipient. */
  NotPermitted = 'not permitted',
  /** A receipt that does not fit the message it answers (unknown message, wrong unit or addressee). */
  ReceiptMismatch = 'receipt mismatch',
  /** A transient failure (database down, ...) persisted through every delivery the consumer allows. */
  DeliveriesExhausted = 'deliveries exhausted',
}

export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = Object.values(DeadLetterReason);

/** The header text of a refusal: the code, a colon, the detail (one line, bounded). */
export function deadLetterText(code: DeadLetterReason, detail: string): string {
  return `${code}: ${detail}`.replace(/[\r\n]+/g, ' ').slice(0, 1500);
}

/** The code a reason text starts with, or undefined (a dead letter written by something else). */
export function deadLetterReasonOf(text: string): DeadLetterReason | undefined {
  // Longest first: no code is a prefix of another today, but keep it robust.
  return [...DEAD_LETTER_REASONS].sort((a, b) => b.length - a.length).find((c) => text === c || text.startsWith(`${c}:`));
}

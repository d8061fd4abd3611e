import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DeadLetterReason, deadLetterText, validateEnvelope } from '@shekara/contracts';
import type { AgencyCode, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { POLICIES, envelopeClockSkew, implausibleTimes, policyAt } from '@shekara/policy';
import type { BankArrival, ChunkArrival } from '../databank';
import { EnvelopeOrigin, timeClaims } from '../envelopes';

/** A message whose origin, schema, times and addressing passed. */
export interface Verified {
  env: Envelope;
  signerUnit: string;
  localRecipients: string[];
  /** A data bank version (MESSAGE_KIND_BANK_VERSION), its inner signed version verified by the intake. */
  bank?: BankArrival;
  /** A chunk of a data bank attachment (MESSAGE_KIND_BANK_ATTACHMENT_CHUNK), checked by the intake. */
  chunk?: ChunkArrival;
}

/**
 * Every bus-side check of an inbox message, in the order docs/protocol.md section 5 gives (origin:
 * signature and the key's validity at the envelope's creation; then schema, times, addressing).
 * CPU only, no I/O: the intake runs it on each message, the conformance vectors' test on files.
 * A failure throws PermanentMessageError whose reason starts with its DeadLetterReason code.
 */
export class InboxChecks {
  private readonly origin: EnvelopeOrigin;

  constructor(
    private readonly directory: Directory,
    private readonly agency: AgencyCode,
    private readonly now: () => Date,
  ) {
    this.origin = new EnvelopeOrigin(directory, now);
  }

  /**
   * `sender`: the agency the bus routed it from (the `from.<sender>` token of the inbox subject, which
   * the server guarantees, docs/bus.md): the signing unit must be one of its units.
   */
  verify(bytes: Uint8Array, sender?: AgencyCode): Verified {
    const origin = this.origin.check(bytes);
    if (!origin.ok) throw new PermanentMessageError(origin.reason);
    const env = origin.env;
    if (sender !== undefined && this.directory.findUnit(origin.signerUnit)?.agency !== sender) {
      throw new PermanentMessageError(deadLetterText(DeadLetterReason.WrongSender, `signed by ${origin.signerUnit}, not a unit of ${sender}, the agency the bus delivered it from`));
    }
    const errors = validateEnvelope(env);
    if (errors.length) throw new PermanentMessageError(deadLetterText(DeadLetterReason.Schema, errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')));
    this.checkTimes(env);
    const localRecipients = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.agency);
    if (!localRecipients.length) throw new PermanentMessageError(deadLetterText(DeadLetterReason.NotAddressed, `no recipient is a unit of ${this.agency}`));
    // The Unified Data Bank is shared by the agencies (clause 10.3), not by interaction groups: a bank
    // version goes to every other agency's node, addressed to its level-1 unit (its inner signed
    // version is checked by the data bank: signer, owner, contributor).
    // Its attachments' chunks and the requests for them travel between the same units; a resync request
    // (a node asking for the versions of this agency's records) likewise.
    // A fork alert of the transparency log goes from a witness's top unit to the log agency's top
    // unit (the alert itself is checked by ForkAlerts: about this node's log, from the signer's witness).
    if (env.payload.case === 'bankVersion' || env.payload.case === 'bankAttachmentChunk' || env.payload.case === 'bankAttachmentRequest' || env.payload.case === 'bankResyncRequest' || env.payload.case === 'tlogForkAlert') return { env, signerUnit: origin.signerUnit, localRecipients };
    const notAllowed = localRecipients.filter((u) => !this.directory.canSend(env.senderUnit, u));
    if (notAllowed.length) throw new PermanentMessageError(deadLetterText(DeadLetterReason.NotPermitted, `${env.senderUnit} shares no interaction group with ${notAllowed.join(', ')}`));
    return { env, signerUnit: origin.signerUnit, localRecipients };
  }

  /**
   * Times: the envelope's signed creation time must not be ahead of this node's clock (beyond the
   * skew), and the report's own times must have been plausible when it was made — judged at its
   * creation time, so a report delayed by a cut link is still accepted when it arrives.
   */
  private checkTimes(env: Envelope): void {
    const now = this.now();
    const createdAt = env.createdAt ? timestampDate(env.createdAt) : undefined;
    if (!createdAt) throw new PermanentMessageError(deadLetterText(DeadLetterReason.Schema, 'createdAt is missing'));
    const policy = policyAt(POLICIES, now);
    const skew = envelopeClockSkew(createdAt, now, policy);
    if (skew) throw new PermanentMessageError(deadLetterText(DeadLetterReason.ClockSkew, skew.message.replace(/^clock skew: /, '')));
    const claims = timeClaims(env);
    const zone = this.directory.findUnit(env.senderUnit) ? this.directory.zoneOf(env.senderUnit) : undefined;
    const bad = claims && zone ? implausibleTimes(claims, createdAt, zone, policy) : [];
    if (bad.length) throw new PermanentMessageError(deadLetterText(DeadLetterReason.ImplausibleTime, bad.map((b) => `${b.field}: ${b.message}`).join('; ')));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Clock, withLogContext } from '@shekara/common';
import { validateEnvelope } from '@shekara/contracts';
import type { AgencyCode, BusNames, Envelope } from '@shekara/contracts';
import { POLICIES, envelopeClockSkew, implausibleTimes, policyAt } from '@shekara/policy';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { EnvelopeOrigin } from '../envelopes';
import { GroupCommitter } from '@shekara/persistence';
import type { AgencyNodeConfig } from '../core';
import { ReceiptsService } from '../receipts';
import { BUS_NAMES, DIRECTORY, NODE_CONFIG } from '../core';
import { timeClaims } from '../envelopes';
import { LogStore } from '../store';
import { IncomingReports } from './reports.service';
import type { Accepted, Verified } from './reports.service';

/**
 * The node's inbox on the bus: verifies each message (origin: signature and the key's validity at the
 * envelope's creation; then schema, then addressing) and
 * stores those verified at about the same time together (group commit): reports from other
 * agencies (`IncomingReports`), receipts for what this node sent (`ReceiptsService`). Anything that
 * can never be accepted throws PermanentMessageError and is dead-lettered by the transport.
 */
@Injectable()
export class InboxIntake {
  private readonly origin: EnvelopeOrigin;
  /** Messages verified at about the same time are stored in one transaction (group commit). */
  private readonly committer: GroupCommitter<Accepted>;

  constructor(
    private readonly reports: IncomingReports,
    private readonly receipts: ReceiptsService,
    private readonly clock: Clock,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    private readonly tlog: LogStore,
  ) {
    this.origin = new EnvelopeOrigin(directory, () => clock.now());
    this.committer = new GroupCommitter((items) => this.store(items), { maxBatch: 128, parallel: InboxIntake.PARALLEL });
  }

  /** Batches stored at once. */
  static readonly PARALLEL = 3;

  /**
   * Verifies a SignedEnvelope. Throws PermanentMessageError with the reason. `sender`: the agency
   * the bus routed it from (the `from.<sender>` token the server guarantees, docs/bus.md): the
   * signing unit must be one of its units.
   */
  verify(bytes: Uint8Array, sender?: AgencyCode): Verified {
    const origin = this.origin.check(bytes);
    if (!origin.ok) throw new PermanentMessageError(origin.reason);
    const env = origin.env;
    if (sender !== undefined && this.directory.findUnit(origin.signerUnit)?.agency !== sender) {
      throw new PermanentMessageError(`sender: signed by ${origin.signerUnit}, not a unit of ${sender}, the agency the bus delivered it from`);
    }
    const errors = validateEnvelope(env);
    if (errors.length) throw new PermanentMessageError(`schema: ${errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')}`.slice(0, 1500));
    this.checkTimes(env);
    const localRecipients = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.config.agency);
    if (!localRecipients.length) throw new PermanentMessageError(`not addressed to a unit of ${this.config.agency}`);
    const notAllowed = localRecipients.filter((u) => !this.directory.canSend(env.senderUnit, u));
    if (notAllowed.length) throw new PermanentMessageError(`not permitted: ${env.senderUnit} shares no interaction group with ${notAllowed.join(', ')}`);
    return { env, signerUnit: origin.signerUnit, localRecipients };
  }

  /**
   * Times: the envelope's signed creation time must not be ahead of this node's clock (beyond the
   * skew), and the report's own times must have been plausible when it was made — judged at its
   * creation time, so a report delayed by a cut link is still accepted when it arrives.
   */
  private checkTimes(env: Envelope): void {
    const now = this.clock.now();
    const createdAt = env.createdAt ? timestampDate(env.createdAt) : undefined;
    if (!createdAt) throw new PermanentMessageError('schema: createdAt is missing');
    const policy = policyAt(POLICIES, now);
    const skew = envelopeClockSkew(createdAt, now, policy);
    if (skew) throw new PermanentMessageError(skew.message);
    const claims = timeClaims(env);
    const zone = this.directory.findUnit(env.senderUnit) ? this.directory.zoneOf(env.senderUnit) : undefined;
    const bad = claims && zone ? implausibleTimes(claims, createdAt, zone, policy) : [];
    if (bad.length) throw new PermanentMessageError(`implausible time: ${bad.map((b) => `${b.field}: ${b.message}`).join('; ')}`.slice(0, 1500));
  }

  /** Verifies a bus message (CPU only), then stores it with others in one transaction. */
  /** `subject`: the inbox subject it arrived on (`<prefix>.inbox.<me>.from.<sender>`). */
  async handle(bytes: Uint8Array, subject: string): Promise<void> {
    const sender = this.names.inboxSender(subject, this.config.agency);
    if (!sender) throw new PermanentMessageError(`not an inbox subject of ${this.config.agency}: ${subject}`);
    const v = this.verify(bytes, sender);
    await withLogContext({ messageId: v.env.messageId, correlationId: v.env.correlationId }, () => this.committer.submit({ ...v, bytes }));
  }

  /** One transaction for a batch of verified messages; effects visible outside run after commit. */
  private async store(items: Accepted[]): Promise<void> {
    const after: (() => void)[] = [];
    const reports = items.filter((i) => i.env.payload.case !== 'deliveryReceipt' && i.env.payload.case !== 'readReceipt');
    if (reports.length) await this.reports.store(reports, after);
    const receipts = items.filter((i) => !reports.includes(i));
    if (receipts.length) {
      await this.receipts.store(receipts, after);
      // Recorded: each receipt received goes to the transparency log.
      this.tlog.record(receipts.map((r) => ({ bytes: r.bytes, direction: 'received' as const })));
    }
    for (const f of after) f();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Clock, withLogContext } from '@shekara/common';
import { DeadLetterReason, deadLetterText, envelopesOf } from '@shekara/contracts';
import type { AgencyCode, BusNames } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { GroupCommitter } from '@shekara/persistence';
import { PartlyRefused, PermanentMessageError } from '@shekara/messaging';
import type { RefusedPart } from '@shekara/messaging';
import type { AgencyNodeConfig } from '../core';
import { BankAttachments, DataBankReplica, DataBankService } from '../databank';
import { ReceiptsService } from '../receipts';
import { BUS_NAMES, DIRECTORY, NODE_CONFIG } from '../core';
import { LogStore } from '../store';
import { ForkAlerts } from '../transparency';
import { IncomingReports } from './reports.service';
import type { Accepted } from './reports.service';
import { InboxChecks } from './inbox-checks';
import type { Verified } from './inbox-checks';

/**
 * The node's inbox on the bus: verifies each message (origin: signature and the key's validity at the
 * envelope's creation; then schema, then addressing) and
 * stores those verified at about the same time together (group commit): reports from other
 * agencies (`IncomingReports`), receipts for what this node sent (`ReceiptsService`). Anything that
 * can never be accepted throws PermanentMessageError and is dead-lettered by the transport.
 */
@Injectable()
export class InboxIntake {
  private readonly checks: InboxChecks;
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
    private readonly bank: DataBankReplica,
    private readonly bankService: DataBankService,
    private readonly alerts: ForkAlerts,
    private readonly attachments: BankAttachments,
  ) {
    this.checks = new InboxChecks(directory, config.agency as AgencyCode, () => clock.now());
    this.committer = new GroupCommitter((items) => this.store(items), { maxBatch: 128, parallel: InboxIntake.PARALLEL });
  }

  /** Batches stored at once. */
  static readonly PARALLEL = 3;

  /**
   * Verifies a SignedEnvelope (InboxChecks, docs/protocol.md section 5). Throws PermanentMessageError
   * with the reason. `sender`: the agency the bus routed it from.
   */
  verify(bytes: Uint8Array, sender?: AgencyCode): Verified {
    const checked = this.checks.verify(bytes, sender);
    if (checked.env.payload.case === 'tlogForkAlert') this.alerts.check(checked.env, checked.signerUnit);
    // A data bank resync request is answered by the owner's node only.
    if (checked.env.payload.case === 'bankResyncRequest' && checked.env.payload.value.ownerAgency !== this.config.agency) {
      throw new PermanentMessageError(deadLetterText(DeadLetterReason.NotAddressed, `a bank resync request for ${checked.env.payload.value.ownerAgency}'s records, sent to ${this.config.agency}`));
    }
    // A data bank version (shared by the agencies, addressed to their level-1 units): its inner
    // signed version is verified too (signer, owner, contributor).
    if (checked.env.payload.case === 'bankVersion') return { ...checked, bank: this.bank.verify(checked.env) };
    // A chunk of a bank attachment: its place and length agree with the whole (its hash is checked once all are here).
    if (checked.env.payload.case === 'bankAttachmentChunk') return { ...checked, chunk: this.attachments.verifyChunk(checked.env) };
    return checked;
  }

  /**
   * Verifies a bus message (CPU only), then stores it with others in one transaction. `subject`: the
   * inbox subject it arrived on (`<prefix>.inbox.<me>.from.<sender>`); `bundle`: its bundle header,
   * if it is a bundle (docs/protocol.md, "Bundles"): each envelope is then verified and stored on
   * its own, and those refused for good are returned for the transport to dead-letter one by one.
   */
  async handle(bytes: Uint8Array, subject: string, bundle?: string): Promise<PartlyRefused | undefined> {
    const sender = this.names.inboxSender(subject, this.config.agency);
    if (!sender) throw new PermanentMessageError(deadLetterText(DeadLetterReason.NotAddressed, `not an inbox subject of ${this.config.agency}: ${subject}`));
    if (bundle === undefined) {
      await this.accept(bytes, sender);
      return undefined;
    }
    let parts: Uint8Array[];
    try {
      parts = envelopesOf(bytes, bundle);
    } catch (err) {
      throw new PermanentMessageError(deadLetterText(DeadLetterReason.Malformed, (err as Error).message));
    }
    const refused: RefusedPart[] = [];
    const settled = await Promise.allSettled(
      parts.map((data, index) =>
        this.accept(data, sender).catch((err: unknown) => {
          if (!(err instanceof PermanentMessageError)) throw err;
          refused.push({ index, data, reason: err.reason });
        }),
      ),
    );
    // A transient failure (the database): the whole bundle again later; what was stored is not stored twice.
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return refused.length ? new PartlyRefused(refused.sort((a, b) => a.index - b.index)) : undefined;
  }

  private async accept(bytes: Uint8Array, sender: AgencyCode): Promise<void> {
    const v = this.verify(bytes, sender);
    await withLogContext({ messageId: v.env.messageId, correlationId: v.env.correlationId }, () => this.committer.submit({ ...v, bytes }));
  }

  /** One transaction for a batch of verified messages; effects visible outside run after commit. */
  private async store(items: Accepted[]): Promise<void> {
    const after: (() => void)[] = [];
    const bank = items.filter((i) => i.bank);
    if (bank.length) await this.bank.store(bank.map((i) => i.bank!));
    const alerts = items.filter((i) => i.env.payload.case === 'tlogForkAlert');
    if (alerts.length) await this.alerts.store(alerts);
    // Resync requests: answered with the versions asked for (queued in the outbox), no receipt.
    const resync = items.filter((i) => i.env.payload.case === 'bankResyncRequest');
    for (const r of resync) await this.bankService.answerResync(r.env);
    const chunks = items.filter((i) => i.chunk);
    if (chunks.length) await this.attachments.receive(chunks.map((i) => i.chunk!));
    const asked = items.filter((i) => i.env.payload.case === 'bankAttachmentRequest');
    // Answered in the background (a request is acknowledged at once; the asker asks again if it gets nothing).
    if (asked.length) this.attachments.answer(asked.map((i) => i.env));
    const rest = items.filter((i) => !i.bank && !i.chunk && !asked.includes(i) && !resync.includes(i) && !alerts.includes(i));
    const reports = rest.filter((i) => i.env.payload.case !== 'deliveryReceipt' && i.env.payload.case !== 'readReceipt');
    if (reports.length) await this.reports.store(reports, after);
    const receipts = rest.filter((i) => !reports.includes(i));
    if (receipts.length) {
      await this.receipts.store(receipts, after);
      // Recorded: each receipt received goes to the transparency log.
      this.tlog.record(receipts.map((r) => ({ bytes: r.bytes, direction: 'received' as const })));
    }
    for (const f of after) f();
  }
}

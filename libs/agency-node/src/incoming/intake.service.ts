import { Inject, Injectable } from '@nestjs/common';
import { withLogContext } from '@shekara/common';
import { decodeEnvelope, decodeSigned, validateEnvelope } from '@shekara/contracts';
import type { Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { SignatureVerifier } from '@shekara/security';
import { GroupCommitter } from '@shekara/persistence';
import type { AgencyNodeConfig } from '../core';
import { ReceiptsService } from '../receipts';
import { DIRECTORY, NODE_CONFIG } from '../core';
import { LogStore } from '../store';
import { IncomingReports } from './reports.service';
import type { Accepted, Verified } from './reports.service';

/**
 * The node's inbox on the bus: verifies each message (signature, then schema, then addressing) and
 * stores those verified at about the same time together (group commit): reports from other
 * agencies (`IncomingReports`), receipts for what this node sent (`ReceiptsService`). Anything that
 * can never be accepted throws PermanentMessageError and is dead-lettered by the transport.
 */
@Injectable()
export class InboxIntake {
  private readonly verifier: SignatureVerifier;
  /** Messages verified at about the same time are stored in one transaction (group commit). */
  private readonly committer: GroupCommitter<Accepted>;

  constructor(
    private readonly reports: IncomingReports,
    private readonly receipts: ReceiptsService,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    private readonly tlog: LogStore,
  ) {
    this.verifier = new SignatureVerifier((keyId) => {
      const publicKey = this.directory.publicKey(keyId);
      return publicKey ? { publicKey, unitId: this.directory.keyOwner(keyId) } : undefined;
    });
    this.committer = new GroupCommitter((items) => this.store(items), { maxBatch: 128, parallel: InboxIntake.PARALLEL });
  }

  /** Batches stored at once. */
  static readonly PARALLEL = 3;

  /** Verifies a SignedEnvelope. Throws PermanentMessageError with the reason. */
  verify(bytes: Uint8Array): Verified {
    let signed;
    try {
      signed = decodeSigned(bytes);
    } catch (e) {
      throw new PermanentMessageError(`malformed: not a SignedEnvelope (${(e as Error).message})`);
    }
    if (!signed.keyId || !signed.signature.length) throw new PermanentMessageError('unsigned: no key id or signature');
    const p = signed.batchProof;
    const check = this.verifier.verify(signed.keyId, signed.envelope, signed.signature, p ? { index: p.index, size: p.leafCount, path: p.siblings } : undefined);
    if (!check.ok) throw new PermanentMessageError(`bad signature: ${check.reason}`);
    let env: Envelope;
    try {
      env = decodeEnvelope(signed.envelope);
    } catch (e) {
      throw new PermanentMessageError(`malformed: envelope does not parse (${(e as Error).message})`);
    }
    if (env.senderUnit !== check.unitId) throw new PermanentMessageError(`bad signature: signed by ${check.unitId} but claims sender ${env.senderUnit}`);
    const errors = validateEnvelope(env);
    if (errors.length) throw new PermanentMessageError(`schema: ${errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')}`.slice(0, 1500));
    const localRecipients = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.config.agency);
    if (!localRecipients.length) throw new PermanentMessageError(`not addressed to a unit of ${this.config.agency}`);
    const notAllowed = localRecipients.filter((u) => !this.directory.canSend(env.senderUnit, u));
    if (notAllowed.length) throw new PermanentMessageError(`not permitted: ${env.senderUnit} shares no interaction group with ${notAllowed.join(', ')}`);
    return { env, signerUnit: check.unitId, localRecipients };
  }

  /** Verifies a bus message (CPU only), then stores it with others in one transaction. */
  async handle(bytes: Uint8Array): Promise<void> {
    const v = this.verify(bytes);
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

import { Inject, Injectable, Logger } from '@nestjs/common';
import { isUuid } from '@shekara/common';
import { Clock } from '@shekara/common';
import { DeliveryOutcome, decodeEnvelope, decodeSigned } from '@shekara/contracts';
import type { Envelope } from '@shekara/contracts';
import type { EntityManager } from 'typeorm';
import type { Directory } from '@shekara/directory';
import { AuditAction } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, NODE_CONFIG, NodeMetrics } from '../core';
import { EnvelopeOrigin, messageColumns } from '../envelopes';
import { OutboxRelay, WriteBatches, deliveryReceipts } from '../exchange';
import { AuditStore, DeadLettersStore, OutboxStore } from '../store';
import type { OutboxRow } from '../store';

/** A dead letter as consumed: where it is in the dead-letter stream, and what the transport says of it. */
export interface DeadLetter {
  /** The dead-letter stream and sequence of the message consumed: the key it is kept under. */
  stream: string;
  seq: string;
  /** The original message's subject, as the transport's header says. */
  subject: string;
  reason: string;
  deliveries: number;
  /** Where the original message was, as the transport's headers say (kept in the audit details). */
  original: { stream: string; seq: string; index?: number };
  raw: Uint8Array;
}

/**
 * Bus messages this node could not accept: kept with the reason (once), audited. The sender of a
 * report is told with a signed REJECTED receipt only when the envelope's origin verifies (signature,
 * and the key valid when it was created): refused for its schema or addressing. An envelope whose
 * origin does not verify (bad signature, revoked or expired key, malformed) gets no signed answer —
 * a node must not sign receipts for message ids an attacker names — and is alerted (error log,
 * shekara_messages_unverified_total).
 */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly store: DeadLettersStore,
    private readonly auditStore: AuditStore,
    private readonly outboxStore: OutboxStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {
    this.origin = new EnvelopeOrigin(directory, () => clock.now());
  }

  private readonly log = new Logger('DeadLetters');
  private readonly origin: EnvelopeOrigin;

  /** Records a dead letter in one transaction; its outbox rows go to the dispatch after the commit. */
  async record(args: DeadLetter): Promise<void> {
    const written = await this.store.transaction((m) => this.write(m, args));
    this.dispatch.handOver(written);
  }

  private async write(m: EntityManager, args: DeadLetter): Promise<OutboxRow[]> {
    const origin = this.origin.check(args.raw);
    // Best effort: identify the message; the raw bytes are kept regardless.
    let env: Envelope | undefined = origin.env;
    if (!env) {
      try {
        env = decodeEnvelope(decodeSigned(args.raw).envelope);
      } catch {
        env = undefined;
      }
    }
    const stored = await this.store.insert(m, {
      ...args,
      messageId: env?.messageId?.slice(0, 200) || null,
      senderUnit: env?.senderUnit?.slice(0, 200) || null,
      kind: env ? messageColumns(env).kind : null,
      at: this.clock.now(),
    });
    if (!stored) return [];
    this.metrics.deadLettered.inc();
    if (!origin.ok) {
      this.metrics.rejectedUnverified.inc({ reason: origin.kind });
      this.log.error({ msg: 'ALERT: bus message whose origin does not verify, dead-lettered without an answer', alert: true, kind: origin.kind, reason: origin.reason, stream: args.stream, seq: args.seq, claimedSender: env?.senderUnit?.slice(0, 200) });
    }
    // A message that could not be verified may claim anything: only a well-formed id and a known
    // sender unit are taken from it (the raw bytes are kept above regardless).
    const claimedId = env?.messageId && isUuid(env.messageId) ? env.messageId : undefined;
    const sender = env && this.directory.findUnit(env.senderUnit);
    const batch = this.writes.begin();
    batch.audit([{
      actor: 'bus',
      action: AuditAction.DeadLettered,
      messageId: claimedId,
      reason: args.reason,
      message: env && sender && claimedId ? { kind: messageColumns(env).kind, senderUnit: sender.id, recipientUnits: env.recipientUnits.filter((u) => this.directory.findUnit(u)), sentAt: this.clock.now() } : undefined,
      details: { stream: args.stream, seq: args.seq, originalStream: args.original.stream.slice(0, 200), originalSeq: args.original.seq, ...(args.original.index !== undefined ? { originalIndex: args.original.index } : {}), ...(env?.messageId && !claimedId ? { claimedMessageId: env.messageId.slice(0, 200) } : {}) },
    }]);
    await batch.write(async (p) => ({ outbox: await this.auditStore.insertWithEvents(m, p.auditJson, p.outboxJson) }));
    // Tell the sender, when the envelope's origin verified, it is a unit of another agency and the message was a report
    // (a data bank version is not one: its sender keeps no receipts for it, docs/databank.md).
    const isReport = env && env.payload.case !== 'deliveryReceipt' && env.payload.case !== 'readReceipt' && env.payload.case !== 'bankVersion' && env.payload.case !== 'bankAttachmentChunk' && env.payload.case !== 'bankAttachmentRequest' && env.payload.case !== 'bankResyncRequest' && env.payload.case !== 'tlogForkAlert';
    if (origin.ok && env && claimedId && sender && isReport && sender.agency !== this.config.agency) {
      const local = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.config.agency);
      batch.send(deliveryReceipts(this.clock, this.directory, env, local, DeliveryOutcome.REJECTED, args.reason));
      await batch.write(async (p) => ({ outbox: await this.outboxStore.insert(m, p.outboxJson) }));
    }
    return batch.written;
  }
}

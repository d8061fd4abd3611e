import { Inject, Injectable } from '@nestjs/common';
import { isUuid } from '@shekara/common';
import { Clock } from '@shekara/common';
import { DeliveryOutcome, decodeEnvelope, decodeSigned } from '@shekara/contracts';
import type { Envelope } from '@shekara/contracts';
import type { EntityManager } from 'typeorm';
import type { Directory } from '@shekara/directory';
import { AuditAction } from '../audit';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, NODE_CONFIG, NodeMetrics } from '../core';
import { messageColumns } from '../envelopes';
import { OutboxRelay, WriteBatches, deliveryReceipts } from '../exchange';
import { AuditStore, DeadLettersStore, OutboxStore } from '../store';
import type { OutboxRow } from '../store';

/** What the transport says of a bus message it dead-lettered. */
export interface DeadLetter {
  stream: string;
  seq: string;
  subject: string;
  reason: string;
  deliveries: number;
  raw: Uint8Array;
}

/**
 * Bus messages this node could not accept: kept with the reason (once), audited, and the claimed
 * sender of a report told with a REJECTED receipt.
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
  ) {}

  /** Records a dead letter in one transaction; its outbox rows go to the dispatch after the commit. */
  async record(args: DeadLetter): Promise<void> {
    const written = await this.store.transaction((m) => this.write(m, args));
    this.dispatch.handOver(written);
  }

  private async write(m: EntityManager, args: DeadLetter): Promise<OutboxRow[]> {
    // Best effort: identify the message so the sender can be told; the raw bytes are kept regardless.
    let env: Envelope | undefined;
    try {
      env = decodeEnvelope(decodeSigned(args.raw).envelope);
    } catch {
      env = undefined;
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
      details: { stream: args.stream, seq: args.seq, ...(env?.messageId && !claimedId ? { claimedMessageId: env.messageId.slice(0, 200) } : {}) },
    }]);
    await batch.write(async (p) => ({ outbox: await this.auditStore.insertWithEvents(m, p.auditJson, p.outboxJson) }));
    // Tell the claimed sender, when it is a known unit of another agency and the message was a report.
    const isReport = env && env.payload.case !== 'deliveryReceipt' && env.payload.case !== 'readReceipt';
    if (env && claimedId && sender && isReport && sender.agency !== this.config.agency) {
      const local = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.config.agency);
      batch.send(deliveryReceipts(this.clock, this.directory, env, local, DeliveryOutcome.REJECTED, args.reason));
      await batch.write(async (p) => ({ outbox: await this.outboxStore.insert(m, p.outboxJson) }));
    }
    return batch.written;
  }
}

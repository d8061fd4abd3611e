import { Inject, Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Clock } from '@shekara/common';
import { DeadLetterReason, DeliveryOutcome, deadLetterText } from '@shekara/contracts';
import type { Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { AuditAction } from '../audit';
import { DIRECTORY, LiveEvents, NodeMetrics } from '../core';
import { OutboxRelay, SentMessages, WriteBatches } from '../exchange';
import { ReceiptsStore } from '../store';
import type { SentMessage } from '../store';

/** A receipt for a message this node sent, as it moves the recipient's status. */
interface ParsedReceipt {
  env: Envelope;
  /** The signed bytes as received (kept with the record, for the transparency log). */
  bytes: Uint8Array;
  action: AuditAction;
  messageId: string;
  unit: string;
  at: Date;
  reader: string | null;
  reason: string | null;
}

/** Receipts coming back for the reports this node sent: they move the sender's per-recipient status along. */
@Injectable()
export class ReceiptsService implements OnApplicationShutdown {
  constructor(
    private readonly db: ReceiptsStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    private readonly live: LiveEvents,
    private readonly sent: SentMessages,
    @Inject(DIRECTORY) private readonly directory: Directory,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }

  /**
   * Receipts for messages this node sent, a batch at a time: each moves its recipient's status
   * forward, never back (DELIVERED or DEAD_LETTERED from PENDING/SENT, READ from any of those), and an
   * envelope whose agency has answered for every recipient is done in the outbox. A repeated or
   * out-of-date receipt changes nothing.
   *
   * Statements of the key-lookup pool (their plans kept), each its own transaction: one lookup of the
   * messages not held in memory (to check the receipts and describe them in the audit), then ONE statement per phase
   * (deliveries and rejections, then reads: a READ may follow a DELIVERED in the same batch) that
   * moves the statuses, completes the envelopes answered for every recipient and writes, for the
   * rows it moved, the audit entries and ledger events prepared for every receipt. Stopped between
   * them, the batch is redelivered and recorded again: what moved already does not move twice.
   *
   * An envelope is completed by any receipt for it, also one that moves nothing: receipts for two
   * units of one agency recorded at the same time each see the other's status as not yet moved, so
   * neither completes it; the re-sent envelope's receipts (every copy is answered) then do.
   */
  async store(items: { env: Envelope; bytes: Uint8Array }[], after: (() => void)[]): Promise<void> {
    const receipts = items.map(({ env, bytes }): ParsedReceipt => {
      const p = env.payload;
      if (p.case !== 'deliveryReceipt' && p.case !== 'readReceipt') throw new Error('not a receipt');
      const r = p.value;
      if (r.recipientUnit !== env.senderUnit) throw new PermanentMessageError(deadLetterText(DeadLetterReason.ReceiptMismatch, `receipt for ${r.recipientUnit} signed by ${env.senderUnit}`));
      const action =
        p.case === 'readReceipt' ? AuditAction.Read : p.value.outcome === DeliveryOutcome.REJECTED ? AuditAction.Rejected : AuditAction.Delivered;
      return {
        env,
        bytes,
        action,
        messageId: r.messageId,
        unit: r.recipientUnit,
        at: r.at ? timestampDate(r.at) : this.clock.now(),
        reader: p.case === 'readReceipt' ? p.value.reader : null,
        reason: p.case === 'deliveryReceipt' ? p.value.reason || null : null,
      };
    });
    // Every statement reaches its tables by key from the batch: the store's key-lookup pool keeps their plans.
    // The messages answered: those sent lately are held in memory, the others looked up.
    const ids = [...new Set(receipts.map((r) => r.messageId))];
    const held = ids.map((id) => this.sent.get(id)).filter((m) => m !== undefined);
    const missing = ids.filter((id) => !this.sent.get(id));
    const looked = missing.length ? await this.db.sentMessages(missing) : [];
    const sent: SentMessage[] = [...held, ...looked];
    const byId = new Map(sent.map((x) => [x.id, x]));
    for (const r of receipts) {
      const message = byId.get(r.messageId);
      if (!message) throw new PermanentMessageError(deadLetterText(DeadLetterReason.ReceiptMismatch, `receipt for unknown message ${r.messageId}`));
      if (!r.env.recipientUnits.includes(message.sender_unit)) throw new PermanentMessageError(deadLetterText(DeadLetterReason.ReceiptMismatch, 'receipt not addressed to the sender of the message'));
    }
    const applied: ParsedReceipt[] = [];
    for (const phase of [[AuditAction.Delivered, AuditAction.Rejected], [AuditAction.Read]]) {
      const batch = receipts.filter((r) => phase.includes(r.action));
      if (!batch.length) continue;
      const writes = this.writes.begin();
      // The audit of every receipt, written only for those that moved a status (matched by event id).
      const eventIds = writes.audit(
        batch.map((r) => {
          const message = byId.get(r.messageId)!;
          return {
            actor: r.reader ?? r.unit,
            action: r.action,
            messageId: r.messageId,
            units: [r.unit],
            message: { kind: message.kind, senderUnit: message.sender_unit, recipientUnits: message.recipient_units, sentAt: message.created_at },
            reason: r.reason ?? undefined,
            details: { at: r.at },
          };
        }),
      );
      const { moved } = await writes.write((p) =>
        this.db.record({
          messageIds: batch.map((r) => r.messageId),
          units: batch.map((r) => r.unit),
          actions: batch.map((r) => r.action),
          at: batch.map((r) => r.at),
          readers: batch.map((r) => r.reader),
          reasons: batch.map((r) => r.reason),
          eventIds: eventIds as string[], // every receipt's action is published
          now: this.clock.now(),
          auditJson: p.auditJson,
          outboxJson: p.outboxJson,
          sentAt: batch.map((r) => this.sent.publishedAt(r.messageId, this.directory.agencyOf(r.unit)) ?? null),
          receiptIds: batch.map((r) => r.env.messageId),
          signed: batch.map((r) => r.bytes),
        }),
      );
      // Committed (one statement). Only audit events were queued: they go with the next dispatch of audit events.
      this.dispatch.handOver(writes.written);
      const isMoved = new Set<string | undefined>(moved);
      applied.push(...batch.filter((_, i) => isMoved.has(eventIds[i])));
    }
    const now = this.clock.nowMs();
    after.push(() => {
      for (const r of applied) {
        const message = byId.get(r.messageId)!;
        if (r.action !== AuditAction.Read) {
          this.metrics.delivered.inc({ outcome: r.action === AuditAction.Rejected ? 'REJECTED' : 'DELIVERED' });
          this.metrics.deliveryLatency.observe(Math.max(0, (now - new Date(message.created_at).getTime()) / 1000));
        }
        this.live.emit(message.sender_unit, { type: 'status', id: r.messageId, box: 'outbox' });
      }
    });
  }

}

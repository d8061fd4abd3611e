import { Inject, Injectable } from '@nestjs/common';
import { KeyLookupPool } from '@shekara/persistence';
import type { AgencyNodeConfig } from '../core';
import { NODE_CONFIG } from '../core';
import { auditLogInsert } from './audit.store';
import { completeIfAnswered, outboxAmong, outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/**
 * Records receipts of one phase (delivered/rejected, or read), one statement: moves each status on
 * (from PENDING/SENT, or DELIVERED to READ), completes the envelopes every recipient of an agency
 * has answered, and writes the audit entry and outbox row of each receipt that moved a status
 * (matched by event id). Parameters: message ids, units, actions, instants, readers, reasons, event
 * ids (one per receipt), the instant, the audit log rows and the outbox rows (JSON), and when each
 * answered envelope was published, where this process knows it (`SentMessages.published`): a status
 * without its sending time gets it (the dispatch's outcome skips a status a receipt holds). Run on
 * the key-lookup pool: every table is reached by key (see `completeIfAnswered`). The signed bytes of
 * every receipt of the batch ($12 receipt ids, $13 bytes) are kept in received_receipts in the same
 * statement: what the transparency log appends after the commit, or at the next start if the
 * process dies before (LogStore.appendUnlogged).
 */
export const RECORD_RECEIPTS = `WITH x AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $11::timestamptz[]) AS x(id, unit, action, at, reader, reason, event_id, sent_at)),
        u AS (UPDATE message_recipients r SET
                status = CASE x.action WHEN 'read' THEN 'READ' WHEN 'rejected' THEN 'DEAD_LETTERED' ELSE 'DELIVERED' END,
                sent_at = COALESCE(r.sent_at, x.sent_at),
                delivered_at = CASE x.action WHEN 'delivered' THEN x.at WHEN 'read' THEN COALESCE(r.delivered_at, x.at) ELSE r.delivered_at END,
                read_at = CASE x.action WHEN 'read' THEN x.at ELSE r.read_at END,
                read_by = CASE x.action WHEN 'read' THEN x.reader ELSE r.read_by END,
                dead_lettered_at = CASE x.action WHEN 'rejected' THEN x.at ELSE r.dead_lettered_at END,
                reason = CASE x.action WHEN 'rejected' THEN x.reason ELSE r.reason END
                FROM x
               WHERE r.message_id = x.id AND r.unit_id = x.unit
                 AND (r.status IN ('PENDING', 'SENT') OR (x.action = 'read' AND r.status = 'DELIVERED'))
               RETURNING r.message_id, r.unit_id, r.agency, x.event_id),
        done AS (${completeIfAnswered(`(SELECT DISTINCT r.message_id, r.agency FROM x JOIN message_recipients r ON r.message_id = x.id AND r.unit_id = x.unit)`, '$8', 'u')}),
        aud AS (${auditLogInsert('$9', `x.event_id IN (SELECT event_id FROM u)`)}),
        obx AS (${outboxInsert('$10', `x.nats_msg_id IN (SELECT event_id FROM u)`)}),
        rcv AS (INSERT INTO received_receipts (receipt_id, signed, received_at)
                SELECT k.id, k.signed, $8 FROM unnest($12::text[], $13::bytea[]) AS k(id, signed) ON CONFLICT (receipt_id) DO NOTHING)
   SELECT event_id, NULL::bigint AS outbox_id, NULL AS nats_msg_id, NULL AS target_agency FROM u
   UNION ALL SELECT NULL, id, nats_msg_id, target_agency FROM obx`;

/** What recording the receipts of a message needs of it (fixed once the message is stored). */
export interface SentMessage {
  id: string;
  kind: string;
  created_at: Date;
  sender_unit: string;
  recipient_units: string[];
}

/** Receipts of one phase, as RECORD_RECEIPTS records them (parallel arrays, one entry per receipt). */
export interface ReceiptBatch {
  messageIds: string[];
  units: string[];
  actions: string[];
  at: Date[];
  readers: (string | null)[];
  reasons: (string | null)[];
  eventIds: string[];
  now: Date;
  auditJson: string;
  outboxJson: string;
  /** When the envelope each receipt answers was published, where known. */
  sentAt: (Date | null)[];
  /** Each receipt's own id (its envelope's message id) and its signed bytes, as received. */
  receiptIds: string[];
  signed: Uint8Array[];
}

/**
 * Receipts for messages this node sent, recorded on connections of their own (a key-lookup pool,
 * durable commits: the bus is acked after); every statement reaches its tables by key from the
 * batch, and the pool keeps their plans.
 */
@Injectable()
export class ReceiptsStore {
  private readonly pool: KeyLookupPool;
  /** Batches recorded at once: as many as the inbox stores at once (`InboxIntake.PARALLEL`). */
  static readonly PARALLEL = 3;

  constructor(@Inject(NODE_CONFIG) config: AgencyNodeConfig) {
    this.pool = new KeyLookupPool(config.databaseUrl, { durable: true, max: ReceiptsStore.PARALLEL, applicationName: `shekara-${config.agency}-receipts` });
  }

  /** The messages this node sent among `ids`. */
  sentMessages(ids: string[]): Promise<SentMessage[]> {
    return this.pool.query<SentMessage>(
      // Each by its primary key (LATERAL, kept from being flattened by its LIMIT): a kept plan over
      // another index (direction, say) would visit every message sent.
      `SELECT m.id, m.kind, m.created_at, m.sender_unit, m.recipient_units FROM unnest($1::uuid[]) AS k(id),
                  LATERAL (SELECT * FROM messages m WHERE m.id = k.id LIMIT 1) AS m
            WHERE m.direction = 'OUT'`,
      [ids],
    );
  }

  /** Records a phase of receipts (RECORD_RECEIPTS): the event ids of those that moved a status, and the outbox rows written. */
  async record(b: ReceiptBatch): Promise<{ moved: string[]; outbox: OutboxInserted[] }> {
    const result = await this.pool.query<{ event_id: string | null; outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }>(RECORD_RECEIPTS, [
      b.messageIds,
      b.units,
      b.actions,
      b.at,
      b.readers,
      b.reasons,
      b.eventIds,
      b.now,
      b.auditJson,
      b.outboxJson,
      b.sentAt,
      b.receiptIds,
      b.signed.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)),
    ]);
    return { moved: result.filter((r) => r.event_id !== null).map((r) => r.event_id!), outbox: outboxAmong(result) };
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

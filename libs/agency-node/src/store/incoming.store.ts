import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared } from '@shekara/persistence';
import { auditLogInsert } from './audit.store';
import { MESSAGE_ROW_TYPES } from './messages.store';
import { outboxAmong, outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/** What storing a batch of reports received from the bus writes (parallel arrays where plural). */
export interface ReceivedReports {
  /** When they were received. */
  at: Date;
  /** The message rows (JSON: `messageRow` with `signed`, the bytes received, base64). */
  messagesJson: string;
  /** The local recipients: message id and unit. */
  recipientIds: string[];
  recipientUnits: string[];
  /** This node's agency (of the local recipients). */
  agency: string;
  auditJson: string;
  outboxJson: string;
}

/** Reports received from other agencies' nodes. */
@Injectable()
export class IncomingStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores reports once (by id): the messages, their local recipients (DELIVERED), the audit entries
   * and ledger events of those stored now, and every receipt, in ONE statement (data-modifying
   * CTEs; its own transaction). Returns the ids of the messages stored now and the outbox rows.
   */
  async insertReceived(r: ReceivedReports): Promise<{ stored: string[]; outbox: OutboxInserted[] }> {
    const result = await prepared<{ stored: string | null; outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }>(
      this.ds,
      `WITH msg AS (
         INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at,
                               reported_at, received_at, period, event_at, confirms, summary, payload, signed)
         SELECT x.id, 'IN', x.kind, x.sender, x.recipients, x.correlation_id, x.classification, x.created_at,
                x.reported_at, $1, x.period, x.event_at, x.confirms, x.summary, x.payload, decode(x.signed, 'base64')
           FROM jsonb_to_recordset($2::jsonb) AS x(${MESSAGE_ROW_TYPES}, signed text)
         ON CONFLICT (id) DO NOTHING RETURNING id),
       rcp AS (
         INSERT INTO message_recipients (message_id, unit_id, agency, status, delivered_at)
         SELECT x.id, x.unit, $5, 'DELIVERED', $1 FROM unnest($3::uuid[], $4::text[]) AS x(id, unit) WHERE x.id IN (SELECT id FROM msg)),
       aud AS (${auditLogInsert('$6', `x.message_id::uuid IN (SELECT id FROM msg)`)}),
       obx AS (${outboxInsert('$7', `x.kind = 'RECEIPT' OR x.message_id IN (SELECT id FROM msg)`)})
       SELECT id AS stored, NULL::bigint AS outbox_id, NULL AS nats_msg_id, NULL AS target_agency FROM msg
       UNION ALL SELECT NULL, id, nats_msg_id, target_agency FROM obx`,
      [r.at, r.messagesJson, r.recipientIds, r.recipientUnits, r.agency, r.auditJson, r.outboxJson],
    );
    return { stored: result.filter((x) => x.stored !== null).map((x) => x.stored!), outbox: outboxAmong(result) };
  }
}

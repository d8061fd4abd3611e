import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { prepared } from '@shekara/persistence';
import { auditLogInsert } from './audit.store';
import { MESSAGE_ROW_TYPES } from './messages.store';
import { outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/** A message of a handover act (its proposal or a later step) as the act is folded from. */
export interface HandoverStepRow {
  id: string;
  kind: string;
  direction: 'IN' | 'OUT';
  sender_unit: string;
  recipient_units: string[];
  correlation_id: string;
  classification: string;
  created_at: Date;
  received_at: Date | null;
  created_by: string | null;
  payload: Record<string, unknown>;
}

/** What one step sent by this node writes (as `MessagesStore.insertSent`, one message). */
export interface SentStep {
  messagesJson: string;
  recipientIds: string[];
  recipientUnits: string[];
  recipientAgencies: string[];
  outboxJson: string;
  auditJson: string;
}

const STEP_COLUMNS = `id, kind, direction, sender_unit, recipient_units, correlation_id, classification, created_at, received_at, created_by, payload`;

/**
 * Handover acts (clause 9.6). An act is its messages: the proposal (whose id is the act's) and the
 * steps correlated with it, sent or received; nothing else is stored, so the chain of custody is
 * exactly the signed envelopes each side holds.
 */
@Injectable()
export class HandoverStore {
  constructor(private readonly ds: DataSource) {}

  /** Serialises the steps of one act taken on this node (until m's transaction ends). */
  async lock(m: EntityManager, actId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('handover:' || $1, 0))`, [actId]);
  }

  /** The proposal and the steps of the acts, oldest first. */
  steps(actIds: string[], m: EntityManager = this.ds.manager): Promise<HandoverStepRow[]> {
    if (!actIds.length) return Promise.resolve([]);
    return m.query(
      `SELECT ${STEP_COLUMNS} FROM messages
        WHERE kind LIKE 'HANDOVER\\_%' AND correlation_id = ANY($1::text[])
        ORDER BY created_at, id`,
      [actIds],
    );
  }

  /** The ids of the acts a unit hands over (`out`) or receives (`in`), newest first. */
  async actsOf(unitId: string, box: 'in' | 'out', limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      box === 'out'
        ? `SELECT id FROM messages WHERE kind = 'HANDOVER_PROPOSAL' AND direction = 'OUT' AND sender_unit = $1 ORDER BY created_at DESC LIMIT $2`
        : `SELECT id FROM messages WHERE kind = 'HANDOVER_PROPOSAL' AND direction = 'IN' AND $1 = ANY(recipient_units) ORDER BY created_at DESC LIMIT $2`,
      [unitId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The signed envelopes of messages (for the printable act's fingerprints). */
  async signed(ids: string[]): Promise<Map<string, Buffer>> {
    const rows: { id: string; signed: Buffer }[] = ids.length ? await this.ds.query(`SELECT id, signed FROM messages WHERE id = ANY($1::uuid[])`, [ids]) : [];
    return new Map(rows.map((r) => [r.id, r.signed]));
  }

  /**
   * Stores one step sent by this node, in m's transaction: the message with its signed envelope, its
   * recipient (PENDING), the outbox row and the audit entry with its ledger event, in ONE statement.
   */
  insertStep(m: EntityManager, r: SentStep): Promise<OutboxInserted[]> {
    return prepared<OutboxInserted>(
      m,
      `WITH msg AS (
         INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at,
                               reported_at, period, event_at, confirms, summary, payload, created_by, signed)
         SELECT x.id, 'OUT', x.kind, x.sender, x.recipients, x.correlation_id, x.classification, x.created_at,
                x.reported_at, x.period, x.event_at, x.confirms, x.summary, x.payload, x.created_by, decode(x.signed, 'base64')
           FROM jsonb_to_recordset($1::jsonb) AS x(${MESSAGE_ROW_TYPES}, created_by text, signed text)),
       rcp AS (
         INSERT INTO message_recipients (message_id, unit_id, agency, status)
         SELECT x.id, x.unit, x.agency, 'PENDING' FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x(id, unit, agency)),
       obx AS (${outboxInsert('$5')}),
       aud AS (${auditLogInsert('$6')})
       SELECT * FROM obx`,
      [r.messagesJson, r.recipientIds, r.recipientUnits, r.recipientAgencies, r.outboxJson, r.auditJson],
    );
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}

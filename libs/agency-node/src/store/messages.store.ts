import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { prepared } from '@shekara/persistence';
import { MessageEntity, RecipientEntity } from '../entities';
import { auditLogInsert } from './audit.store';
import { draftsUsedUp } from './drafts.store';
import { outboxInsert } from './outbox.store';
import type { OutboxInserted } from './outbox.store';

/**
 * The columns of a message row given as JSON (`messageRow` of the envelopes), for
 * `jsonb_to_recordset`.
 */
export const MESSAGE_ROW_TYPES = `id uuid, kind text, sender text, recipients text[], correlation_id text, classification text,
  created_at timestamptz, reported_at timestamptz, period text, event_at timestamptz, confirms uuid, summary text, payload jsonb`;

/** What one batch of reports accepted from duty desks writes (parallel arrays where plural). */
export interface SentReports {
  /** The message rows (JSON: `messageRow` with `created_by` and `signed`, base64). */
  messagesJson: string;
  recipientIds: string[];
  recipientUnits: string[];
  recipientAgencies: string[];
  outboxJson: string;
  auditJson: string;
  /** The drafts the reports use up: unit, kind, period, message id. */
  draftUnits: string[];
  draftKinds: string[];
  draftPeriods: (string | null)[];
  draftIds: string[];
}

/** What one message sent by this node writes (as `insertSent`, one message, in a transaction). */
export interface OneSent {
  messagesJson: string;
  recipientIds: string[];
  recipientUnits: string[];
  recipientAgencies: string[];
  outboxJson: string;
  auditJson: string;
}

/** Filters of a duty desk's listing (`ListQuery`). */
export interface MessageFilter {
  box: 'inbox' | 'outbox' | 'all';
  unread?: boolean;
  unit?: string;
  kind?: string;
  period?: string;
  since?: string;
  until?: string;
  q?: string;
  /** Search: a person named in the payload (surname, given names: exactly, any case). */
  surname?: string;
  givenNames?: string;
  /** Search: a document number anywhere in the payload. */
  document?: string;
  /** Search: a checkpoint anywhere in the payload. */
  checkpoint?: string;
  /** Search: words of the whole payload (full-text, Russian and English). */
  text?: string;
  page: number;
  pageSize: number;
}

/** Messages and their recipients' statuses, as the duty desk sends, lists, opens and reads them. */
@Injectable()
export class MessagesStore {
  constructor(private readonly ds: DataSource) {}

  /** Of the given ids, the URGENT reports this node sent (id and sender unit). */
  urgentSent(ids: (string | null)[]): Promise<{ id: string; sender_unit: string }[]> {
    return this.ds.query(`SELECT id, sender_unit FROM messages WHERE id = ANY($1::uuid[]) AND direction = 'OUT' AND kind = 'URGENT'`, [ids]);
  }

  /**
   * Stores a batch of accepted reports: the messages with their signed envelopes, their recipients
   * (PENDING), one outbox row per recipient agency, the audit entries and their ledger events, and
   * the scheduler's drafts used up, in ONE statement (data-modifying CTEs; its own transaction): a
   * round trip to PostgreSQL costs more here than the inserts themselves. Returns the outbox rows.
   * `m`: a transaction of the caller's, when more is written with the reports (their data bank
   * contributions).
   */
  insertSent(r: SentReports, m?: EntityManager): Promise<OutboxInserted[]> {
    return prepared<OutboxInserted>(
      m ?? this.ds,
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
       aud AS (${auditLogInsert('$6')}),
       drf AS (${draftsUsedUp('$7', '$8', '$9', '$10')})
       SELECT * FROM obx`,
      [r.messagesJson, r.recipientIds, r.recipientUnits, r.recipientAgencies, r.outboxJson, r.auditJson, r.draftUnits, r.draftKinds, r.draftPeriods, r.draftIds],
    );
  }

  /**
   * Stores one message sent by this node (a handover step, monthly statistics), in m's transaction: the message with its signed envelope, its
   * recipient (PENDING), the outbox row and the audit entry with its ledger event, in ONE statement.
   */
  insertOne(m: EntityManager, r: OneSent): Promise<OutboxInserted[]> {
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

  /** A page of a unit's inbox (addressed to it; unread first) or outbox (sent by it), newest first, and the total. */
  /** `readable`: the classifications whose text free text (`q`) may match (the user's clearance). */
  async page(unitId: string, q: MessageFilter, readable?: readonly string[]): Promise<{ rows: MessageEntity[]; total: number }> {
    const repo = this.ds.getRepository(MessageEntity);
    const qb = repo.createQueryBuilder('m');
    if (q.box === 'all') {
      // Both directions the unit is party to: addressed to it, or sent by it.
      qb.where(`((m.direction = 'IN' AND EXISTS (SELECT 1 FROM message_recipients mine WHERE mine.message_id = m.id AND mine.unit_id = :unit)) OR (m.direction = 'OUT' AND m.sender_unit = :unit))`, { unit: unitId });
      if (q.unit) qb.andWhere('(m.sender_unit = :peer OR :peer = ANY(m.recipient_units))', { peer: q.unit });
      qb.orderBy('m.created_at', 'DESC');
    } else if (q.box === 'inbox') {
      qb.innerJoin(RecipientEntity, 'mine', 'mine.message_id = m.id AND mine.unit_id = :unit', { unit: unitId }).where(`m.direction = 'IN'`);
      if (q.unread) qb.andWhere(`mine.status = 'DELIVERED'`);
      if (q.unit) qb.andWhere('m.sender_unit = :peer', { peer: q.unit });
      qb.orderBy(`CASE WHEN mine.status = 'DELIVERED' THEN 0 ELSE 1 END`, 'ASC').addOrderBy('m.created_at', 'DESC');
    } else {
      qb.where(`m.direction = 'OUT' AND m.sender_unit = :unit`, { unit: unitId });
      if (q.unit) qb.andWhere(':peer = ANY(m.recipient_units)', { peer: q.unit });
      qb.orderBy('m.created_at', 'DESC');
    }
    if (q.kind) qb.andWhere('m.kind = :kind', { kind: q.kind });
    if (q.period) qb.andWhere('m.period = :period', { period: q.period });
    if (q.since) qb.andWhere('m.created_at >= :since', { since: q.since });
    if (q.until) qb.andWhere('m.created_at < :until', { until: q.until });
    if (q.q && readable) qb.andWhere('m.classification IN (:...readable)', { readable });
    if (q.q) qb.andWhere('m.summary ILIKE :q', { q: `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%` });
    // Search (the generated, GIN-indexed columns of the MessageSearch migration).
    if (q.surname) qb.andWhere('m.search_surnames @> CAST(:surname AS jsonb)', { surname: JSON.stringify([q.surname.toUpperCase()]) });
    if (q.givenNames) qb.andWhere('m.search_given_names @> CAST(:givenNames AS jsonb)', { givenNames: JSON.stringify([q.givenNames.toUpperCase()]) });
    // Both: the same person (the indexed columns narrow, the path checks one object has both).
    if (q.surname && q.givenNames)
      qb.andWhere(`jsonb_path_exists(m.payload, 'strict $.** ? (@.surname == $s && @.givenNames == $g)', jsonb_build_object('s', CAST(:sn AS text), 'g', CAST(:gn AS text)))`, { sn: q.surname.toUpperCase(), gn: q.givenNames.toUpperCase() });
    if (q.document) qb.andWhere('m.search_documents @> CAST(:document AS jsonb)', { document: JSON.stringify([q.document.toUpperCase()]) });
    if (q.checkpoint) qb.andWhere('m.search_checkpoints @> CAST(:checkpoint AS jsonb)', { checkpoint: JSON.stringify([q.checkpoint.toUpperCase()]) });
    if (q.text) qb.andWhere(`m.search @@ (websearch_to_tsquery('russian', :text) || websearch_to_tsquery('english', :text))`, { text: q.text });
    const total = await qb.getCount();
    const rows = await qb.offset((q.page - 1) * q.pageSize).limit(q.pageSize).getMany();
    return { rows, total };
  }

  /** Of the given URGENT reports sent, those a written confirmation answers: urgent id → confirmation id. */
  async confirmationsOf(urgentIds: string[]): Promise<Map<string, string>> {
    if (!urgentIds.length) return new Map();
    const rows: { confirms: string; id: string }[] = await this.ds.query(
      `SELECT DISTINCT ON (confirms) confirms, id FROM messages WHERE direction = 'OUT' AND kind = 'URGENT_CONFIRMATION' AND confirms = ANY($1::uuid[]) ORDER BY confirms, created_at`,
      [urgentIds],
    );
    return new Map(rows.map((r) => [r.confirms, r.id]));
  }

  /** A message, without its signed envelope (in m's transaction). */
  findForOpening(m: EntityManager, id: string): Promise<MessageEntity | null> {
    return m.getRepository(MessageEntity).findOne({ where: { id }, select: { signed: false } as never });
  }

  /** A message by id. */
  find(id: string, m: EntityManager = this.ds.manager): Promise<MessageEntity | null> {
    return m.getRepository(MessageEntity).findOneBy({ id });
  }

  /** The recipients' statuses of the messages, by unit. */
  recipients(ids: string[], m: EntityManager = this.ds.manager): Promise<RecipientEntity[]> {
    return m.getRepository(RecipientEntity).createQueryBuilder('r').where('r.message_id IN (:...ids)', { ids }).orderBy('r.unit_id').getMany();
  }

  /** Records READ of a message for the reader's unit, once (in m's transaction): true when this call recorded it. */
  async markRead(m: EntityManager, messageId: string, unitId: string, at: Date, reader: string): Promise<boolean> {
    const updated: unknown[] = await m.query(
      `WITH u AS (UPDATE message_recipients SET status = 'READ', read_at = $3, read_by = $4
                   WHERE message_id = $1 AND unit_id = $2 AND status = 'DELIVERED' RETURNING unit_id)
       SELECT unit_id FROM u`,
      [messageId, unitId, at, reader],
    );
    return updated.length > 0;
  }

  get manager(): EntityManager {
    return this.ds.manager;
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock, uuidv7, withLogContext } from '@shekara/common';
import { encodeEnvelope, validateSendMessageRequest } from '@shekara/contracts';
import type { Envelope, SendMessageRequest } from '@shekara/contracts';
import { GroupCommitter, prepared } from '@shekara/persistence';
import type { AgencyCode } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { AuditAction, AuditService, auditLogInsert } from '../audit/audit.service';
import type { AuthUser } from '@shekara/auth';
import type { AgencyNodeConfig } from '../config';
import { MessageEntity, RecipientEntity } from '../entities';
import type { DeliveryStatus } from '../entities';
import { NodeError, NodeErrorCode } from '../errors';
import { NodeMetrics } from '../ops/metrics';
import { OutboxService, outboxInsert } from '../outbox/outbox.service';
import type { OutboxInserted, OutboxItem } from '../outbox/outbox.service';
import { DIRECTORY, NODE_CONFIG } from '../tokens';
import { MESSAGE_ROW_TYPES, envelopeFromRequest, messageColumns, messageRow, readReceipt } from './envelopes';
import type { MessageColumns } from './envelopes';
import type { ListQuery } from './list.query';
import { LiveEvents } from './live-events';
import { SentMessages } from './sent-messages';
import { draftsUsedUp } from '../schedule/drafts.service';
import { localDate } from '@shekara/policy';

export interface RecipientStatus {
  unitId: string;
  agency: string;
  status: DeliveryStatus;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  readBy: string | null;
  deadLetteredAt: Date | null;
  reason: string | null;
}

export interface MessageView {
  id: string;
  direction: 'OUT' | 'IN';
  kind: string;
  senderUnit: string;
  recipientUnits: string[];
  correlationId: string;
  classification: string;
  createdAt: Date;
  reportedAt: Date | null;
  receivedAt: Date | null;
  period: string | null;
  eventAt: Date | null;
  confirms: string | null;
  summary: string;
  createdBy: string | null;
  recipients: RecipientStatus[];
  payload?: Record<string, unknown>;
}

/** A report accepted from a duty desk, waiting for its group commit. */
interface Outgoing {
  id: string;
  now: Date;
  user: AuthUser;
  req: SendMessageRequest;
  env: Envelope;
  cols: MessageColumns;
  envelope: Uint8Array;
  draftPeriod: string | null;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** The duty desk's use cases: send, list, open (records READ), status per recipient. */
@Injectable()
export class MessagesService {
  private readonly log = new Logger('Messages');
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly metrics: NodeMetrics,
    private readonly live: LiveEvents,
    private readonly sent: SentMessages,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {
    this.committer = new GroupCommitter((items) => this.store(items), { maxBatch: 128, parallel: 3 });
  }

  private readonly committer: GroupCommitter<Outgoing>;
  /** Reports accepted but not yet committed, at most. */
  static readonly MAX_BACKLOG = 512;

  /**
   * Accepts a report: one transaction stores the message, its recipients (PENDING), one outbox row
   * per recipient agency and the audit entry. Accepted means durable. Reports accepted at about the
   * same time share the transaction (group commit); each caller is answered after the commit.
   */
  async send(user: AuthUser, body: unknown): Promise<MessageView> {
    // Backpressure: beyond this many reports waiting for their commit, refuse (503, nothing stored)
    // rather than queue without bound in memory.
    if (this.committer.backlog >= MessagesService.MAX_BACKLOG) throw new NodeError(NodeErrorCode.Busy);
    const v = validateSendMessageRequest(body);
    if (!v.ok) throw new NodeError(NodeErrorCode.InvalidBody, undefined, v.errors);
    const req = v.value;
    if (user.role !== 'duty-officer') throw new NodeError(NodeErrorCode.ForbiddenRole, 'Only duty officers send reports.');
    if (req.senderUnit !== user.unitId) throw new NodeError(NodeErrorCode.NotOwnUnit, `You belong to ${user.unitId}.`);
    const outside = req.recipientUnits.filter((r) => !this.directory.canSend(req.senderUnit, r));
    if (outside.length) throw new NodeError(NodeErrorCode.RecipientOutsideGroups, `Not allowed: ${outside.join(', ')}.`);

    const now = this.clock.now();
    const id = uuidv7(this.clock);
    const env = envelopeFromRequest(req, id, now);
    const cols = messageColumns(env);
    const draftPeriod = cols.period ?? (cols.kind === 'DAILY' ? localDate(now, this.directory.zoneOf(req.senderUnit)) : null);
    const item: Outgoing = { id, now, user, req, env, cols, envelope: encodeEnvelope(env), draftPeriod };
    await withLogContext({ messageId: id, correlationId: env.correlationId }, async () => {
      await this.committer.submit(item);
      this.log.log({ msg: 'report accepted', kind: cols.kind, sender: req.senderUnit, recipients: req.recipientUnits, user: user.username });
    });
    this.metrics.sent.inc({ kind: cols.kind });
    this.live.emit(req.senderUnit, { type: 'message', id, box: 'outbox' });
    return {
      id,
      direction: 'OUT',
      kind: cols.kind,
      senderUnit: req.senderUnit,
      recipientUnits: req.recipientUnits,
      correlationId: env.correlationId,
      classification: cols.classification,
      createdAt: now,
      reportedAt: cols.reportedAt,
      receivedAt: null,
      period: cols.period,
      eventAt: cols.eventAt,
      confirms: cols.confirms,
      summary: cols.summary,
      createdBy: user.username,
      recipients: req.recipientUnits.map((unitId) => ({ unitId, agency: this.directory.agencyOf(unitId), status: 'PENDING', sentAt: null, deliveredAt: null, readAt: null, readBy: null, deadLetteredAt: null, reason: null })),
      payload: cols.payload,
    };
  }

  /**
   * Stores a batch of accepted reports: the messages with their signed envelopes (one signature for
   * the batch, each envelope with its inclusion proof: `OutboxService.prepare`), their recipients
   * (PENDING), one outbox row per recipient agency, the audit entries and their ledger events, and
   * the scheduler's drafts used up, in ONE statement (data-modifying CTEs; its own transaction): a
   * round trip to PostgreSQL costs more here than the inserts themselves.
   */
  private async store(items: Outgoing[]): Promise<void> {
    const confirming = items.filter((i) => i.cols.confirms);
    if (confirming.length) {
      // Urgent reports are never deleted, so checking before the insert is as good as within it.
      const found: { id: string; sender_unit: string }[] = await this.ds.query(
        `SELECT id, sender_unit FROM messages WHERE id = ANY($1::uuid[]) AND direction = 'OUT' AND kind = 'URGENT'`,
        [confirming.map((i) => i.cols.confirms)],
      );
      for (const i of confirming) {
        if (!found.some((f) => f.id === i.cols.confirms && f.sender_unit === i.req.senderUnit)) throw new NodeError(NodeErrorCode.UnknownUrgentReport);
      }
    }
    const rIds: string[] = [];
    const rUnits: string[] = [];
    for (const i of items) for (const u of i.req.recipientUnits) (rIds.push(i.id), rUnits.push(u));
    const audit = this.audit.prepare(
      items.map(({ id, now, user, req, env, cols }) => ({
        actor: user.username,
        action: AuditAction.Sent,
        messageId: id,
        units: [req.senderUnit],
        message: { kind: cols.kind, senderUnit: req.senderUnit, recipientUnits: req.recipientUnits, sentAt: now, reportedAt: cols.reportedAt, period: cols.period, eventAt: cols.eventAt, confirms: cols.confirms, summary: cols.summary },
        details: { correlationId: env.correlationId },
      })),
    );
    const envelopes: OutboxItem[] = items.flatMap((i) =>
      [...new Set(i.req.recipientUnits.map((u) => this.directory.agencyOf(u)))].map((a) => ({
        kind: 'ENVELOPE' as const,
        messageId: i.id,
        targetAgency: a as AgencyCode,
        payload: i.envelope,
        signingUnit: i.req.senderUnit,
        natsMsgId: i.id,
      })),
    );
    // A report sent for a period uses up the scheduler's draft for it (DAILY without a period: its local sending date).
    const drafts = items.filter((i) => i.draftPeriod);
    const outbox = this.outbox.prepare([...envelopes, ...audit.outbox]);
    const inserted = await prepared<OutboxInserted>(
      this.ds,
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
      [
        // The message keeps its signed envelope (signed with the outbox rows): the proof of what it sent.
        JSON.stringify(items.map(({ id, now, user, env, cols }) => ({ ...messageRow(env, cols, now), created_by: user.username, signed: outbox.signed.get(id)!.toString('base64') }))),
        rIds,
        rUnits,
        rUnits.map((u) => this.directory.agencyOf(u)),
        outbox.json,
        audit.logJson,
        drafts.map((i) => i.req.senderUnit),
        drafts.map((i) => i.cols.kind),
        drafts.map((i) => i.draftPeriod),
        drafts.map((i) => i.id),
      ],
    );
    this.outbox.written(outbox, inserted);
    this.sent.remember(items.map((i) => ({ id: i.id, kind: i.cols.kind, created_at: i.now, sender_unit: i.req.senderUnit, recipient_units: i.req.recipientUnits })));
  }

  /** Inbox (messages addressed to the caller's unit) or outbox (sent by it), newest first, unread first in the inbox. */
  async list(user: AuthUser, q: ListQuery): Promise<Page<MessageView>> {
    const repo = this.ds.getRepository(MessageEntity);
    const qb = repo.createQueryBuilder('m');
    if (q.box === 'inbox') {
      qb.innerJoin(RecipientEntity, 'mine', 'mine.message_id = m.id AND mine.unit_id = :unit', { unit: user.unitId }).where(`m.direction = 'IN'`);
      if (q.unread) qb.andWhere(`mine.status = 'DELIVERED'`);
      if (q.unit) qb.andWhere('m.sender_unit = :peer', { peer: q.unit });
      qb.orderBy(`CASE WHEN mine.status = 'DELIVERED' THEN 0 ELSE 1 END`, 'ASC').addOrderBy('m.created_at', 'DESC');
    } else {
      qb.where(`m.direction = 'OUT' AND m.sender_unit = :unit`, { unit: user.unitId });
      if (q.unit) qb.andWhere(':peer = ANY(m.recipient_units)', { peer: q.unit });
      qb.orderBy('m.created_at', 'DESC');
    }
    if (q.kind) qb.andWhere('m.kind = :kind', { kind: q.kind });
    if (q.period) qb.andWhere('m.period = :period', { period: q.period });
    if (q.since) qb.andWhere('m.created_at >= :since', { since: q.since });
    if (q.until) qb.andWhere('m.created_at < :until', { until: q.until });
    if (q.q) qb.andWhere('m.summary ILIKE :q', { q: `%${q.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%` });
    const total = await qb.getCount();
    const rows = await qb.offset((q.page - 1) * q.pageSize).limit(q.pageSize).getMany();
    const recipients = await this.recipientsOf(rows.map((r) => r.id));
    return {
      items: rows.map((r) => this.toView(r, recipients.get(r.id) ?? [], false)),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  /** Opens a message of the caller's unit. A duty officer of a recipient unit opening it records READ. */
  async open(user: AuthUser, id: string): Promise<MessageView> {
    let read = false;
    const view = await this.ds.transaction(async (m) => {
      const message = await m.getRepository(MessageEntity).findOne({ where: { id }, select: { signed: false } as never });
      if (!message || !this.visibleTo(message, user)) throw new NodeError(NodeErrorCode.MessageNotFound);
      if (message.direction === 'IN' && user.role === 'duty-officer') read = await this.markRead(m, message, user);
      return this.view(m.getRepository(MessageEntity), id, true);
    });
    // The unit's desks (the reader's among them) count one unread message fewer.
    if (read) this.live.emit(user.unitId, { type: 'status', id, box: 'inbox' });
    return view!;
  }

  async status(user: AuthUser, id: string): Promise<RecipientStatus[]> {
    const message = await this.ds.getRepository(MessageEntity).findOneBy({ id });
    if (!message || !this.visibleTo(message, user)) throw new NodeError(NodeErrorCode.MessageNotFound);
    return (await this.recipientsOf([id])).get(id) ?? [];
  }

  /** Audit trail of one message on this node. */
  async timeline(user: AuthUser, id: string): Promise<{ at: Date; actor: string; action: string; unitId: string | null; details: unknown }[]> {
    const message = await this.ds.getRepository(MessageEntity).findOneBy({ id });
    if (!message || !this.visibleTo(message, user)) throw new NodeError(NodeErrorCode.MessageNotFound);
    const rows = await this.ds.query(`SELECT at, actor, action, unit_id, details FROM audit_log WHERE message_id = $1 ORDER BY id`, [id]);
    return rows.map((r: { at: Date; actor: string; action: string; unit_id: string | null; details: unknown }) => ({ at: r.at, actor: r.actor, action: r.action, unitId: r.unit_id, details: r.details }));
  }

  private visibleTo(m: MessageEntity, user: AuthUser): boolean {
    return m.direction === 'OUT' ? m.senderUnit === user.unitId : m.recipientUnits.includes(user.unitId);
  }

  /** Records READ for the reader's unit, once: true when this call recorded it. */
  private async markRead(m: EntityManager, message: MessageEntity, user: AuthUser): Promise<boolean> {
    const now = this.clock.now();
    const updated: unknown[] = await m.query(
      `WITH u AS (UPDATE message_recipients SET status = 'READ', read_at = $3, read_by = $4
                   WHERE message_id = $1 AND unit_id = $2 AND status = 'DELIVERED' RETURNING unit_id)
       SELECT unit_id FROM u`,
      [message.id, user.unitId, now, user.username],
    );
    if (!updated.length) return false;
    const receipt = readReceipt({ id: uuidv7(this.clock), now, recipientUnit: user.unitId, originalSender: message.senderUnit, messageId: message.id }, user.username);
    await this.outbox.enqueue(m, [
      { kind: 'RECEIPT', messageId: message.id, targetAgency: this.directory.agencyOf(message.senderUnit) as AgencyCode, payload: encodeEnvelope(receipt), signingUnit: user.unitId, natsMsgId: receipt.messageId },
    ]);
    await this.audit.record(m, { actor: user.username, action: AuditAction.Read, messageId: message.id, units: [user.unitId], message: { kind: message.kind, senderUnit: message.senderUnit, recipientUnits: message.recipientUnits, sentAt: message.createdAt } });
    return true;
  }

  private async view(repo: Repository<MessageEntity>, id: string, withPayload: boolean): Promise<MessageView | null> {
    const row = await repo.findOneBy({ id });
    if (!row) return null;
    const recipients = await this.recipientsOf([id], repo.manager);
    return this.toView(row, recipients.get(id) ?? [], withPayload);
  }

  private async recipientsOf(ids: string[], manager = this.ds.manager): Promise<Map<string, RecipientStatus[]>> {
    const out = new Map<string, RecipientStatus[]>();
    if (!ids.length) return out;
    const rows = await manager.getRepository(RecipientEntity).createQueryBuilder('r').where('r.message_id IN (:...ids)', { ids }).orderBy('r.unit_id').getMany();
    for (const r of rows) {
      const list = out.get(r.messageId) ?? [];
      list.push({ unitId: r.unitId, agency: r.agency, status: r.status, sentAt: r.sentAt, deliveredAt: r.deliveredAt, readAt: r.readAt, readBy: r.readBy, deadLetteredAt: r.deadLetteredAt, reason: r.reason });
      out.set(r.messageId, list);
    }
    return out;
  }

  private toView(m: MessageEntity, recipients: RecipientStatus[], withPayload: boolean): MessageView {
    return {
      id: m.id,
      direction: m.direction,
      kind: m.kind,
      senderUnit: m.senderUnit,
      recipientUnits: m.recipientUnits,
      correlationId: m.correlationId,
      classification: m.classification,
      createdAt: m.createdAt,
      reportedAt: m.reportedAt,
      receivedAt: m.receivedAt,
      period: m.period,
      eventAt: m.eventAt,
      confirms: m.confirms,
      summary: m.summary,
      createdBy: m.createdBy,
      recipients,
      ...(withPayload ? { payload: m.payload } : {}),
    };
  }

  get agency(): AgencyCode {
    return this.config.agency;
  }
}

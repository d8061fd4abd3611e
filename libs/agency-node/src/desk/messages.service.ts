import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, uuidv7, withLogContext } from '@shekara/common';
import { createHash } from 'node:crypto';
import { decodeSigned, encodeEnvelope, validateSendMessageRequest } from '@shekara/contracts';
import type { Envelope, SendMessageRequest } from '@shekara/contracts';
import { GroupCommitter } from '@shekara/persistence';
import type { AgencyCode } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { AuditAction, auditLogJson } from '../audit';
import { DataBankService } from '../databank';
import type { AuthUser } from '@shekara/auth';
import type { AgencyNodeConfig } from '../core';
import { DIRECTORY, LiveEvents, NODE_CONFIG, NodeError, NodeErrorCode, NodeMetrics, cleared, isConfidential, readableClassifications } from '../core';
import type { MessageEntity } from '../entities';
import type { DeliveryStatus } from '../entities';
import { envelopeFromRequest, integrityMismatches, messageColumns, messageRow, readReceipt, timeClaims } from '../envelopes';
import type { MessageColumns } from '../envelopes';
import { OutboxRelay, SentMessages, WriteBatches } from '../exchange';
import { AuditStore, LogStore, MessagesStore, OutboxStore, appendAuditLog } from '../store';
import type { OutboxItem, OutboxRow } from '../store';
import type { ListQuery } from './list.query';
import { POLICIES, implausibleTimes, localDate, policyAt } from '@shekara/policy';
import { SignatureVerifier } from '@shekara/security';
import { bi } from '@shekara/server';

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
  /** Set when the stored row was found not to match its signed envelope: its summary is withheld. */
  integrityFailure?: true;
  /** Set when the message is classified above the user's clearance: its summary (and payload) are withheld. */
  restricted?: true;
  /** An URGENT report sent (in a listing): the id of its written confirmation, null while it awaits one. */
  confirmedBy?: string | null;
  /** Opened: who signed it, with which key (its SHA-256 fingerprint), when (the printed signature block). */
  signature?: SignatureBlock;
}

export interface SignatureBlock {
  signerUnit: string;
  keyId: string;
  /** SHA-256 of the public key (SPKI DER), upper-case hex in pairs. */
  fingerprint: string | null;
  signedAt: Date;
}

/** A report accepted from a duty desk, waiting for its group commit. */
interface Outgoing {
  id: string;
  now: Date;
  user: AuthUser;
  req: Pick<SendMessageRequest, 'senderUnit' | 'recipientUnits'>;
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
    private readonly store: MessagesStore,
    private readonly outboxStore: OutboxStore,
    private readonly auditStore: AuditStore,
    private readonly writes: WriteBatches,
    private readonly dispatch: OutboxRelay,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    private readonly live: LiveEvents,
    private readonly sent: SentMessages,
    @Inject(DIRECTORY) private readonly directory: Directory,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    private readonly tlog: LogStore,
    private readonly bank: DataBankService,
  ) {
    this.committer = new GroupCommitter((items) => this.storeBatch(items), { maxBatch: 128, parallel: 3 });
    this.verifier = new SignatureVerifier((keyId) => {
      const publicKey = this.directory.publicKey(keyId);
      return publicKey ? { publicKey, unitId: this.directory.keyOwner(keyId) } : undefined;
    });
  }

  /** Checks the signed envelope of a message opened (its signature, then its row: `checkIntegrity`). */
  private readonly verifier: SignatureVerifier;

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
    if (user.role !== 'duty-officer') throw new NodeError(NodeErrorCode.ForbiddenRole, bi('Only duty officers send reports.', 'Донесения направляют только дежурные.'));
    if (req.senderUnit !== user.unitId) throw new NodeError(NodeErrorCode.NotOwnUnit, bi(`You belong to ${user.unitId}.`, `Ваше подразделение: ${user.unitId}.`));
    const outside = req.recipientUnits.filter((r) => !this.directory.canSend(req.senderUnit, r));
    if (outside.length) throw new NodeError(NodeErrorCode.RecipientOutsideGroups, bi(`Not allowed: ${outside.join(', ')}.`, `Недопустимы: ${outside.join(', ')}.`));

    const now = this.clock.now();
    // Every key of the unit revoked or retired (and no new one yet): it cannot sign, so nothing is accepted.
    if (!this.directory.signingKeyAt(req.senderUnit, now)) throw new NodeError(NodeErrorCode.NoSigningKey, bi(`${req.senderUnit} has no valid key in the directory.`, `У ${req.senderUnit} нет действующего ключа в справочнике.`));
    const id = uuidv7(this.clock);
    const env = envelopeFromRequest(req, id, now);
    const claims = timeClaims(env);
    const implausible = claims ? implausibleTimes(claims, now, this.directory.zoneOf(req.senderUnit), policyAt(POLICIES, now)) : [];
    if (implausible.length) throw new NodeError(NodeErrorCode.InvalidBody, undefined, implausible.map((x) => ({ field: x.field, messages: [x.message], code: x.code, params: x.params })));
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
   * Sends an envelope the node built itself for an officer's act (a hit decision): the same checks of
   * sender, groups and key as a report, then the same durable path (group commit, signing, outbox,
   * audit). Resolves once it is committed; returns its message id.
   */
  async sendBuilt(user: AuthUser, env: Envelope): Promise<string> {
    if (env.senderUnit !== user.unitId) throw new NodeError(NodeErrorCode.NotOwnUnit, bi(`You belong to ${user.unitId}.`, `Ваше подразделение: ${user.unitId}.`));
    const outside = env.recipientUnits.filter((r) => !this.directory.canSend(env.senderUnit, r));
    if (outside.length) throw new NodeError(NodeErrorCode.RecipientOutsideGroups, bi(`Not allowed: ${outside.join(', ')}.`, `Недопустимы: ${outside.join(', ')}.`));
    const now = this.clock.now();
    if (!this.directory.signingKeyAt(env.senderUnit, now)) throw new NodeError(NodeErrorCode.NoSigningKey, bi(`${env.senderUnit} has no valid key in the directory.`, `У ${env.senderUnit} нет действующего ключа в справочнике.`));
    const cols = messageColumns(env);
    const item: Outgoing = { id: env.messageId, now, user, req: { senderUnit: env.senderUnit, recipientUnits: env.recipientUnits }, env, cols, envelope: encodeEnvelope(env), draftPeriod: null };
    await withLogContext({ messageId: env.messageId, correlationId: env.correlationId }, () => this.committer.submit(item));
    this.log.log({ msg: 'message accepted', kind: cols.kind, sender: env.senderUnit, recipients: env.recipientUnits, user: user.username });
    this.metrics.sent.inc({ kind: cols.kind });
    this.live.emit(env.senderUnit, { type: 'message', id: env.messageId, box: 'outbox' });
    return env.messageId;
  }

  /**
   * Stores a batch of accepted reports: the messages with their signed envelopes (one signature for
   * the batch, each envelope with its inclusion proof: `WriteBatch`), their recipients (PENDING),
   * one outbox row per recipient agency, the audit entries and their ledger events, and the
   * scheduler's drafts used up, in ONE statement (`MessagesStore.insertSent`).
   */
  private async storeBatch(items: Outgoing[]): Promise<void> {
    const confirming = items.filter((i) => i.cols.confirms);
    if (confirming.length) {
      // Urgent reports are never deleted, so checking before the insert is as good as within it.
      const found = await this.store.urgentSent(confirming.map((i) => i.cols.confirms));
      for (const i of confirming) {
        if (!found.some((f) => f.id === i.cols.confirms && f.sender_unit === i.req.senderUnit)) throw new NodeError(NodeErrorCode.UnknownUrgentReport);
      }
    }
    const rIds: string[] = [];
    const rUnits: string[] = [];
    for (const i of items) for (const u of i.req.recipientUnits) (rIds.push(i.id), rUnits.push(u));
    const batch = this.writes.begin();
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
    batch.send(envelopes);
    batch.audit(
      items.map(({ id, now, user, req, env, cols }) => ({
        actor: user.username,
        action: AuditAction.Sent,
        messageId: id,
        units: [req.senderUnit],
        message: { kind: cols.kind, senderUnit: req.senderUnit, recipientUnits: req.recipientUnits, sentAt: now, reportedAt: cols.reportedAt, period: cols.period, eventAt: cols.eventAt, confirms: cols.confirms, summary: cols.summary, classification: cols.classification },
        details: { correlationId: env.correlationId },
      })),
    );
    // What a SEMIANNUAL or ADVANCE report carries for the data bank (5.4, 5.5) is written with it.
    const contributions = items.map((i) => (i.env.payload.case === 'semiannual' || i.env.payload.case === 'advance' ? { id: i.id, ...this.bank.fromReport(i.user, i.env, i.now) } : undefined));
    const bankVersions = contributions.flatMap((c) => c?.versions ?? []);
    const bankBatch = this.writes.begin();
    // A report sent for a period uses up the scheduler's draft for it (DAILY without a period: its local sending date).
    const drafts = items.filter((i) => i.draftPeriod);
    const writeReports = (m?: EntityManager) =>
      batch.write(async (p) => ({
        outbox: await this.store.insertSent(
          {
            // The message keeps its signed envelope (signed with the outbox rows): the proof of what it sent.
            messagesJson: JSON.stringify(items.map(({ id, now, user, env, cols }) => ({ ...messageRow(env, cols, now), created_by: user.username, signed: p.signed.get(id)!.toString('base64') }))),
            recipientIds: rIds,
            recipientUnits: rUnits,
            recipientAgencies: rUnits.map((u) => this.directory.agencyOf(u)),
            outboxJson: p.outboxJson,
            auditJson: p.auditJson,
            draftUnits: drafts.map((i) => i.req.senderUnit),
            draftKinds: drafts.map((i) => i.cols.kind),
            draftPeriods: drafts.map((i) => i.draftPeriod),
            draftIds: drafts.map((i) => i.id),
          },
          m,
        ),
      }));
    if (!bankVersions.length) await writeReports();
    else
      // The reports and their contributions commit together: a crash between them cannot lose the contributions.
      await this.store.transaction(async (m) => {
        await writeReports(m);
        await this.bank.writeIn(m, bankBatch, bankVersions, items[0].now);
      });
    // Committed: the dispatch publishes the rows at once.
    this.dispatch.handOver([...batch.written, ...bankBatch.written]);
    this.sent.remember(items.map((i) => ({ id: i.id, kind: i.cols.kind, created_at: i.now, sender_unit: i.req.senderUnit, recipient_units: i.req.recipientUnits })));
    for (const c of contributions) if (c?.skipped.length) this.log.warn({ msg: 'report items the data bank could not take', messageId: c.id, skipped: c.skipped });
  }

  /** Inbox (messages addressed to the caller's unit) or outbox (sent by it), newest first, unread first in the inbox. */
  async list(user: AuthUser, q: ListQuery): Promise<Page<MessageView>> {
    // Free text matches only what the user may read: a search must not tell what a restricted text contains.
    const { rows, total } = await this.store.page(user.unitId, q, readableClassifications(user));
    const recipients = await this.recipientsOf(rows.map((r) => r.id));
    const flagged = await this.tlog.flaggedAmong(rows.map((r) => r.id));
    // The outbox marks the urgent reports awaiting their written confirmation.
    const urgentSent = rows.filter((r) => r.direction === 'OUT' && r.kind === 'URGENT').map((r) => r.id);
    const confirmed = await this.store.confirmationsOf(urgentSent);
    const view = (r: MessageEntity): MessageView => {
      const v: MessageView = { ...this.toView(r, recipients.get(r.id) ?? [], false), ...(urgentSent.includes(r.id) ? { confirmedBy: confirmed.get(r.id) ?? null } : {}) };
      if (flagged.has(r.id)) return { ...v, summary: '', integrityFailure: true };
      return cleared(user, r.classification) ? v : { ...v, summary: '', restricted: true };
    };
    return {
      items: rows.map(view),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  /**
   * Opens a message of the caller's unit. A duty officer of a recipient unit opening it records READ.
   * A message classified above the user's clearance is refused (NOT_CLEARED, nothing read) and the
   * attempt audited; a cleared user opening a CONFIDENTIAL one is audited too.
   */
  async open(user: AuthUser, id: string): Promise<MessageView> {
    let written: OutboxRow[] = [];
    const found = await this.store.find(id);
    if (found && this.visibleTo(found, user) && !cleared(user, found.classification)) {
      await this.auditClassified(this.store.manager, user, found, AuditAction.ClassifiedRefused);
      throw new NodeError(NodeErrorCode.NotCleared);
    }
    const view = await this.store.transaction(async (m) => {
      const message = await this.store.findForOpening(m, id);
      if (!message || !this.visibleTo(message, user)) throw new NodeError(NodeErrorCode.MessageNotFound);
      // Classification is fixed by the signed envelope, but checked again in the transaction that serves it.
      if (!cleared(user, message.classification)) throw new NodeError(NodeErrorCode.NotCleared);
      if (isConfidential(message.classification)) await this.auditClassified(m, user, message, AuditAction.ClassifiedOpened);
      // Served only as what was signed: a row that differs is withheld (and nothing recorded).
      const signed = await this.checkIntegrity(id);
      if (message.direction === 'IN' && user.role === 'duty-officer') written = await this.markRead(m, message, user);
      const v = await this.view(m, id, true);
      return v && { ...v, signature: this.signatureBlock(signed, message.createdAt) };
    });
    // Committed: the read receipt and the audit event go to the dispatch.
    this.dispatch.handOver(written);
    // The unit's desks (the reader's among them) count one unread message fewer.
    if (written.length) this.live.emit(user.unitId, { type: 'status', id, box: 'inbox' });
    return view!;
  }

  /** Audits an opening of (or an attempt to open) a classified message: who, which unit, which message (local: the ledger does not hear of it). */
  private auditClassified(m: EntityManager, user: AuthUser, message: MessageEntity, action: AuditAction): Promise<void> {
    return appendAuditLog(
      m,
      auditLogJson(this.clock.now(), [{ actor: user.username, action, messageId: message.id, units: [user.unitId], details: { classification: message.classification, clearance: user.clearance } }]),
    );
  }

  /** Throws IntegrityFailure (and flags the message to the admin) when its row is not what its signed envelope says. */
  private async checkIntegrity(id: string): Promise<Uint8Array> {
    const stored = await this.tlog.message(id);
    const bad = stored ? integrityMismatches(stored, this.verifier) : ['signed'];
    if (!bad.length) return stored!.signed;
    await this.tlog.flag(id, bad, 'open');
    this.log.warn({ msg: 'integrity failure', messageId: id, fields: bad });
    throw new NodeError(NodeErrorCode.IntegrityFailure, bi(`Mismatched: ${bad.join(', ')}.`, `Не совпадают: ${bad.join(', ')}.`));
  }

  /** The signature block of a verified signed envelope: the signing unit and key by the directory. */
  private signatureBlock(signed: Uint8Array, createdAt: Date): SignatureBlock {
    const { keyId } = decodeSigned(signed);
    const key = this.directory.publicKey(keyId);
    const fingerprint = key
      ? createHash('sha256')
          .update(key.export({ type: 'spki', format: 'der' }))
          .digest('hex')
          .toUpperCase()
          .replace(/(..)(?!$)/g, '$1:')
      : null;
    return { signerUnit: this.directory.keyOwner(keyId), keyId, fingerprint, signedAt: createdAt };
  }

  async status(user: AuthUser, id: string): Promise<RecipientStatus[]> {
    const message = await this.store.find(id);
    if (!message || !this.visibleTo(message, user)) throw new NodeError(NodeErrorCode.MessageNotFound);
    return (await this.recipientsOf([id])).get(id) ?? [];
  }

  /** Audit trail of one message on this node. */
  async timeline(user: AuthUser, id: string): Promise<{ at: Date; actor: string; action: string; unitId: string | null; details: unknown }[]> {
    const message = await this.store.find(id);
    if (!message || !this.visibleTo(message, user)) throw new NodeError(NodeErrorCode.MessageNotFound);
    const rows = await this.auditStore.ofMessage(id);
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, unitId: r.unit_id, details: r.details }));
  }

  private visibleTo(m: MessageEntity, user: AuthUser): boolean {
    return m.direction === 'OUT' ? m.senderUnit === user.unitId : m.recipientUnits.includes(user.unitId);
  }

  /**
   * Records READ for the reader's unit, once, in m's transaction: its read receipt (one statement)
   * and its audit entry with the ledger event (another). Returns the outbox rows written: none when
   * the READ was recorded before.
   */
  private async markRead(m: EntityManager, message: MessageEntity, user: AuthUser): Promise<OutboxRow[]> {
    const now = this.clock.now();
    if (!(await this.store.markRead(m, message.id, user.unitId, now, user.username))) return [];
    const receipt = readReceipt({ id: uuidv7(this.clock), now, recipientUnit: user.unitId, originalSender: message.senderUnit, messageId: message.id }, user.username);
    const batch = this.writes.begin();
    batch.send([
      { kind: 'RECEIPT', messageId: message.id, targetAgency: this.directory.agencyOf(message.senderUnit) as AgencyCode, payload: encodeEnvelope(receipt), signingUnit: user.unitId, natsMsgId: receipt.messageId },
    ]);
    await batch.write(async (p) => ({ outbox: await this.outboxStore.insert(m, p.outboxJson) }));
    batch.audit([{ actor: user.username, action: AuditAction.Read, messageId: message.id, units: [user.unitId], message: { kind: message.kind, senderUnit: message.senderUnit, recipientUnits: message.recipientUnits, sentAt: message.createdAt } }]);
    await batch.write(async (p) => ({ outbox: await this.auditStore.insertWithEvents(m, p.auditJson, p.outboxJson) }));
    return batch.written;
  }

  private async view(m: EntityManager, id: string, withPayload: boolean): Promise<MessageView | null> {
    const row = await this.store.find(id, m);
    if (!row) return null;
    const recipients = await this.recipientsOf([id], m);
    return this.toView(row, recipients.get(id) ?? [], withPayload);
  }

  private async recipientsOf(ids: string[], m?: EntityManager): Promise<Map<string, RecipientStatus[]>> {
    const out = new Map<string, RecipientStatus[]>();
    if (!ids.length) return out;
    const rows = await this.store.recipients(ids, m);
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

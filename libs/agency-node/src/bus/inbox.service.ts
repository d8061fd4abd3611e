import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Clock, isUuid, uuidv7, withLogContext } from '@shekara/common';
import { DeliveryOutcome, decodeEnvelope, decodeSigned, encodeEnvelope, validateEnvelope } from '@shekara/contracts';
import type { AgencyCode, Envelope } from '@shekara/contracts';
import type { Directory } from '@shekara/directory';
import { PermanentMessageError } from '@shekara/messaging';
import { SignatureVerifier } from '@shekara/security';
import { GroupCommitter, KeyLookupPool, prepared } from '@shekara/persistence';
import type { KeyLookupTx } from '@shekara/persistence';
import { AuditAction, AuditService, auditLogInsert } from '../audit/audit.service';
import type { AgencyNodeConfig } from '../config';
import { MESSAGE_ROW_TYPES, deliveryReceipt, messageColumns, messageRow } from '../messages/envelopes';
import { LiveEvents } from '../messages/live-events';
import { SentMessages } from '../messages/sent-messages';
import type { SentMessage } from '../messages/sent-messages';
import { NodeMetrics } from '../ops/metrics';
import { OutboxService, completeIfAnswered, outboxInsert } from '../outbox/outbox.service';
import type { OutboxItem } from '../outbox/outbox.service';
import { DIRECTORY, NODE_CONFIG } from '../tokens';

/** The result of checking a bus message: who signed it and what it says. */
export interface Verified {
  env: Envelope;
  signerUnit: string;
  localRecipients: string[];
}

/** A receipt for a message this node sent, as it moves the recipient's status. */
interface ParsedReceipt {
  env: Envelope;
  action: AuditAction;
  messageId: string;
  unit: string;
  at: Date;
  reader: string | null;
  reason: string | null;
}

/** A verified message waiting for its group commit, with the exact bytes received. */
interface Accepted extends Verified {
  bytes: Uint8Array;
}

/**
 * Records receipts of one phase (delivered/rejected, or read), one statement: moves each status on
 * (from PENDING/SENT, or DELIVERED to READ), completes the envelopes every recipient of an agency
 * has answered, and writes the audit entry and outbox row of each receipt that moved a status
 * (matched by event id). Parameters: message ids, units, actions, instants, readers, reasons, event
 * ids (one per receipt), the instant, the audit log rows and the outbox rows (JSON), and when each
 * answered envelope was published, where this process knows it (`SentMessages.published`): a status
 * without its sending time gets it (the dispatch's outcome skips a status a receipt holds). Run on
 * the key-lookup pool: every table is reached by key (see `completeIfAnswered`).
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
        obx AS (${outboxInsert('$10', `x.nats_msg_id IN (SELECT event_id FROM u)`)})
   SELECT event_id, NULL::bigint AS outbox_id, NULL AS nats_msg_id, NULL AS target_agency FROM u
   UNION ALL SELECT NULL, id, nats_msg_id, target_agency FROM obx`;

/**
 * The recipient side of the bus: verify (signature, then schema, then addressing), store once,
 * answer with a signed receipt; and, for receipts coming back, move the sender's per-recipient
 * status along. Anything that can never be accepted throws PermanentMessageError and is
 * dead-lettered by the transport.
 */
@Injectable()
export class InboxService implements OnApplicationShutdown {
  private readonly log = new Logger('Inbox');
  private readonly verifier: SignatureVerifier;
  /** Messages verified at about the same time are stored in one transaction (group commit). */
  private readonly committer: GroupCommitter<Accepted>;
  /** Receipts are recorded on connections of their own (durable commits: the bus is acked after). */
  private readonly receiptPool: KeyLookupPool;

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
    this.verifier = new SignatureVerifier((keyId) => {
      const publicKey = this.directory.publicKey(keyId);
      return publicKey ? { publicKey, unitId: this.directory.keyOwner(keyId) } : undefined;
    });
    this.committer = new GroupCommitter((items) => this.store(items), { maxBatch: 128, parallel: InboxService.PARALLEL });
    this.receiptPool = new KeyLookupPool(config.databaseUrl, { durable: true, max: InboxService.PARALLEL, applicationName: `shekara-${config.agency}-receipts` });
  }

  /** Batches stored at once. */
  static readonly PARALLEL = 3;

  async onApplicationShutdown(): Promise<void> {
    await this.receiptPool.end().catch(() => undefined);
  }

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
    if (reports.length) await this.storeReports(reports, after);
    const receipts = items.filter((i) => !reports.includes(i));
    if (receipts.length) await this.storeReceipts(receipts, after);
    for (const f of after) f();
  }

  /**
   * Stores reports once (by id) and (re-)sends a delivery receipt for each local recipient unit: the
   * messages, their local recipients, the audit entries and ledger events of those newly stored, and
   * the receipts, in ONE statement (data-modifying CTEs; its own transaction).
   */
  private async storeReports(items: Accepted[], after: (() => void)[]): Promise<void> {
    const now = this.clock.now();
    // The same message twice in one batch (a re-send racing the first copy) is stored once.
    const unique = [...new Map(items.map((i) => [i.env.messageId, i])).values()];
    const rows = unique.map((i) => ({ i, cols: messageColumns(i.env) }));
    const rIds: string[] = [];
    const rUnits: string[] = [];
    for (const { i } of rows) for (const u of i.localRecipients) (rIds.push(i.env.messageId), rUnits.push(u));
    // Audit entries for every message of the batch; only those of messages stored now are written.
    const audit = this.audit.prepare(
      rows.map(({ i, cols }) => ({
        actor: i.env.senderUnit,
        action: AuditAction.Received,
        messageId: i.env.messageId,
        units: i.localRecipients,
        message: { kind: cols.kind, senderUnit: i.env.senderUnit, recipientUnits: i.env.recipientUnits, sentAt: timestampDate(i.env.createdAt!), reportedAt: cols.reportedAt, period: cols.period, eventAt: cols.eventAt, confirms: cols.confirms, summary: cols.summary },
      })),
    );
    const outbox = this.outbox.prepare([
      ...audit.outbox,
      // Every copy is answered (a re-send means the sender may have missed the first receipt).
      ...items.flatMap((i) => this.receipts(i.env, i.localRecipients, DeliveryOutcome.DELIVERED)),
    ]);
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
      [
        now,
        JSON.stringify(
          rows.map(({ i, cols }) => ({
            ...messageRow(i.env, cols, timestampDate(i.env.createdAt!)),
            signed: Buffer.from(i.bytes.buffer, i.bytes.byteOffset, i.bytes.byteLength).toString('base64'),
          })),
        ),
        rIds,
        rUnits,
        this.config.agency,
        audit.logJson,
        outbox.json,
      ],
    );
    this.outbox.writtenAmong(outbox, result);
    const fresh = new Set(result.filter((r) => r.stored !== null).map((r) => r.stored));
    after.push(() => {
      for (const { i, cols } of rows) {
        if (!fresh.has(i.env.messageId)) {
          this.metrics.duplicates.inc();
          continue;
        }
        this.metrics.received.inc({ kind: cols.kind });
        withLogContext({ messageId: i.env.messageId, correlationId: i.env.correlationId }, () => this.log.log({ msg: 'message stored', kind: cols.kind, sender: i.env.senderUnit, recipients: i.localRecipients }));
        this.metrics.inboxLatency.observe(Math.max(0, (now.getTime() - timestampDate(i.env.createdAt!).getTime()) / 1000));
        for (const u of i.localRecipients) this.live.emit(u, { type: 'message', id: i.env.messageId, box: 'inbox' });
      }
    });
  }

  /** Signed receipts from each local recipient unit back to the sender. */
  receipts(env: Envelope, localRecipients: string[], outcome: DeliveryOutcome, reason = ''): OutboxItem[] {
    const now = this.clock.now();
    const targetAgency = this.directory.agencyOf(env.senderUnit) as AgencyCode;
    return localRecipients.map((unit) => {
      const receipt = deliveryReceipt({ id: uuidv7(this.clock), now, recipientUnit: unit, originalSender: env.senderUnit, messageId: env.messageId }, outcome, reason);
      return { kind: 'RECEIPT', messageId: env.messageId, targetAgency, payload: encodeEnvelope(receipt), signingUnit: unit, natsMsgId: receipt.messageId };
    });
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
  private async storeReceipts(items: Accepted[], after: (() => void)[]): Promise<void> {
    const receipts = items.map(({ env }): ParsedReceipt => {
      const p = env.payload;
      if (p.case !== 'deliveryReceipt' && p.case !== 'readReceipt') throw new Error('not a receipt');
      const r = p.value;
      if (r.recipientUnit !== env.senderUnit) throw new PermanentMessageError(`receipt for ${r.recipientUnit} signed by ${env.senderUnit}`);
      const action =
        p.case === 'readReceipt' ? AuditAction.Read : p.value.outcome === DeliveryOutcome.REJECTED ? AuditAction.Rejected : AuditAction.Delivered;
      return {
        env,
        action,
        messageId: r.messageId,
        unit: r.recipientUnit,
        at: r.at ? timestampDate(r.at) : this.clock.now(),
        reader: p.case === 'readReceipt' ? p.value.reader : null,
        reason: p.case === 'deliveryReceipt' ? p.value.reason || null : null,
      };
    });
    // Every statement reaches its tables by key from the batch: the key-lookup pool keeps their plans.
    return this.recordReceipts(this.receiptPool, receipts, after);
  }

  private async recordReceipts(tx: KeyLookupTx, receipts: ParsedReceipt[], after: (() => void)[]): Promise<void> {
    // The messages answered: those sent lately are held in memory, the others looked up.
    const ids = [...new Set(receipts.map((r) => r.messageId))];
    const held = ids.map((id) => this.sent.get(id)).filter((m) => m !== undefined);
    const missing = ids.filter((id) => !this.sent.get(id));
    const looked = missing.length
      ? await tx.query<SentMessage>(
          // Each by its primary key (LATERAL, kept from being flattened by its LIMIT): a kept plan over
          // another index (direction, say) would visit every message sent.
          `SELECT m.id, m.kind, m.created_at, m.sender_unit, m.recipient_units FROM unnest($1::uuid[]) AS k(id),
                  LATERAL (SELECT * FROM messages m WHERE m.id = k.id LIMIT 1) AS m
            WHERE m.direction = 'OUT'`,
          [missing],
        )
      : [];
    const sent = [...held, ...looked];
    const byId = new Map(sent.map((x) => [x.id, x]));
    for (const r of receipts) {
      const message = byId.get(r.messageId);
      if (!message) throw new PermanentMessageError(`receipt for unknown message ${r.messageId}`);
      if (!r.env.recipientUnits.includes(message.sender_unit)) throw new PermanentMessageError('receipt not addressed to the sender of the message');
    }
    const applied: ParsedReceipt[] = [];
    for (const phase of [[AuditAction.Delivered, AuditAction.Rejected], [AuditAction.Read]]) {
      const batch = receipts.filter((r) => phase.includes(r.action));
      if (!batch.length) continue;
      // The audit of every receipt, written only for those that moved a status (matched by event id).
      const audit = this.audit.prepare(
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
      const eventIds = audit.eventIds as string[]; // every receipt's action is published
      const outbox = this.outbox.prepare(audit.outbox);
      const result = await tx.query<{ event_id: string | null; outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }>(
        RECORD_RECEIPTS,
        [
          batch.map((r) => r.messageId),
          batch.map((r) => r.unit),
          batch.map((r) => r.action),
          batch.map((r) => r.at),
          batch.map((r) => r.reader),
          batch.map((r) => r.reason),
          eventIds,
          this.clock.now(),
          audit.logJson,
          outbox.json,
          batch.map((r) => this.sent.publishedAt(r.messageId, this.directory.agencyOf(r.unit)) ?? null),
        ],
      );
      // Only audit events were queued: they go with the next dispatch of audit events.
      this.outbox.writtenAmong(outbox, result);
      const isMoved = new Set(result.filter((r) => r.event_id !== null).map((x) => x.event_id));
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

  async recordDeadLetter(m: EntityManager, args: { stream: string; seq: string; subject: string; reason: string; deliveries: number; raw: Uint8Array }): Promise<void> {
    // Best effort: identify the message so the sender can be told; the raw bytes are kept regardless.
    let env: Envelope | undefined;
    try {
      env = decodeEnvelope(decodeSigned(args.raw).envelope);
    } catch {
      env = undefined;
    }
    const inserted: unknown[] = await m.query(
      `INSERT INTO dead_letters (source_stream, source_seq, subject, reason, deliveries, message_id, sender_unit, kind, raw, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (source_stream, source_seq) DO NOTHING RETURNING id`,
      [args.stream, args.seq, args.subject, args.reason, args.deliveries, env?.messageId?.slice(0, 200) || null, env?.senderUnit?.slice(0, 200) || null, env ? messageColumns(env).kind : null, Buffer.from(args.raw), this.clock.now()],
    );
    if (!inserted.length) return;
    this.metrics.deadLettered.inc();
    // A message that could not be verified may claim anything: only a well-formed id and a known
    // sender unit are taken from it (the raw bytes are kept above regardless).
    const claimedId = env?.messageId && isUuid(env.messageId) ? env.messageId : undefined;
    const sender = env && this.directory.findUnit(env.senderUnit);
    await this.audit.record(m, {
      actor: 'bus',
      action: AuditAction.DeadLettered,
      messageId: claimedId,
      reason: args.reason,
      message: env && sender && claimedId ? { kind: messageColumns(env).kind, senderUnit: sender.id, recipientUnits: env.recipientUnits.filter((u) => this.directory.findUnit(u)), sentAt: this.clock.now() } : undefined,
      details: { stream: args.stream, seq: args.seq, ...(env?.messageId && !claimedId ? { claimedMessageId: env.messageId.slice(0, 200) } : {}) },
    });
    // Tell the claimed sender, when it is a known unit of another agency and the message was a report.
    const isReport = env && env.payload.case !== 'deliveryReceipt' && env.payload.case !== 'readReceipt';
    if (env && claimedId && sender && isReport && sender.agency !== this.config.agency) {
      const local = env.recipientUnits.filter((u) => this.directory.findUnit(u)?.agency === this.config.agency);
      await this.outbox.enqueue(m, this.receipts(env, local, DeliveryOutcome.REJECTED, args.reason));
    }
  }
}

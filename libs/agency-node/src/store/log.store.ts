import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@shekara/common';
import { decodeEnvelope, decodeSigned } from '@shekara/contracts';
import { LogAppender, PgLogStore, PgWitnessStore, entityManagerDb } from '@shekara/tlog';
import type { CosignatureSigner, LeafInput, WitnessedLog } from '@shekara/tlog';
import { NODE_CONFIG, NodeMetrics } from '../core';
import type { AgencyNodeConfig } from '../core';
import type { StoredMessageRow } from '../envelopes';

/** Signed bytes the node sent or received, to be appended to its log. */
export interface Signed {
  bytes: Uint8Array;
  direction: 'sent' | 'received';
}

/** A message row for the scrub, with whether its signed bytes are a leaf of the log. */
export interface ScrubRow extends StoredMessageRow {
  logged: boolean;
}

export interface IntegrityFailure {
  messageId: string;
  fields: string[];
  foundBy: 'open' | 'scrub';
  detectedAt: Date;
  lastSeenAt: Date;
}

const MESSAGE_COLUMNS = `m.id, m.kind, m.sender_unit, m.recipient_units, m.correlation_id, m.classification, m.created_at,
  m.reported_at, m.period, m.event_at, m.confirms, m.summary, m.payload, m.signed`;

interface MessageRowSql {
  id: string;
  kind: string;
  sender_unit: string;
  recipient_units: string[];
  correlation_id: string;
  classification: string;
  created_at: Date;
  reported_at: Date | null;
  period: string | null;
  event_at: Date | null;
  confirms: string | null;
  summary: string;
  payload: unknown;
  signed: Buffer;
}

const toStored = (r: MessageRowSql): StoredMessageRow => ({
  id: r.id,
  kind: r.kind,
  senderUnit: r.sender_unit,
  recipientUnits: r.recipient_units,
  correlationId: r.correlation_id,
  classification: r.classification,
  createdAt: r.created_at,
  reportedAt: r.reported_at,
  period: r.period,
  eventAt: r.event_at,
  confirms: r.confirms,
  summary: r.summary,
  payload: r.payload,
  signed: r.signed,
});

/** What a leaf records of signed bytes: the envelope's id and whether it is a receipt. */
export function leafOf(s: Signed): LeafInput {
  const env = decodeEnvelope(decodeSigned(s.bytes).envelope);
  const receipt = env.payload.case === 'deliveryReceipt' || env.payload.case === 'readReceipt';
  return { data: s.bytes, messageId: env.messageId, kind: receipt ? 'receipt' : 'envelope', direction: s.direction };
}

/**
 * The node's transparency log (the SQL is `@shekara/tlog`'s `PgLogStore`, on the node's data
 * source) and the integrity of its message rows. Leaves are appended after the commit of what they
 * record, by a group commit of their own (`LogAppender`: one transaction per batch of about
 * concurrent appends), so the use case that wrote them waits for nothing; what a crash between
 * that commit and the append left out is appended at the next start (`appendUnlogged`).
 */
@Injectable()
export class LogStore implements OnApplicationShutdown {
  private readonly logger = new Logger('TransparencyLog');
  readonly log: PgLogStore;
  private readonly appender: LogAppender;
  private readonly pending = new Set<Promise<unknown>>();

  /**
   * How long a batch of leaves waits for more before its append starts: nobody waits on an append,
   * and at 200 reports/s it makes one append of about ten leaves instead of several of one or two
   * (each a transaction in PostgreSQL). A checkpoint covers a report that much later.
   */
  static readonly LINGER_MS = 25;

  /** TLOG_ENABLED: off only for the benchmark's on/off row (nothing is appended). */
  readonly enabled: boolean;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly metrics: NodeMetrics,
    @Inject(NODE_CONFIG) config: AgencyNodeConfig,
  ) {
    this.enabled = config.tlog?.enabled !== false;
    this.log = new PgLogStore(entityManagerDb(ds.manager), clock);
    this.appender = new LogAppender(this.log, 1000, LogStore.LINGER_MS);
  }

  /** Appends the signed bytes (decoded for their id and kind), without waiting: failures are logged and counted. */
  record(items: readonly Signed[]): void {
    if (!this.enabled) return;
    for (const s of items) {
      let leaf: LeafInput;
      try {
        leaf = leafOf(s);
      } catch (e) {
        this.fail(e);
        continue;
      }
      const p = this.appender.append(leaf).then(
        () => this.metrics.logAppended.inc({ kind: leaf.kind, direction: leaf.direction }),
        (e: unknown) => this.fail(e),
      );
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  private fail(e: unknown): void {
    this.metrics.logAppendFailures.inc();
    this.logger.error({ msg: 'transparency log append failed', error: (e as Error).message });
  }

  /** Resolves when every append recorded so far has been committed (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /**
   * Appends what was committed but never logged (the process stopped between a commit and its
   * append): the messages' signed envelopes, the receipts sent still in the outbox, and the receipts
   * received (kept with their record: received_receipts). Returns how many.
   */
  async appendUnlogged(): Promise<number> {
    if (!this.enabled) return 0;
    const rows = await this.ds.query<{ bytes: Buffer; direction: 'sent' | 'received' }[]>(
      `SELECT m.signed AS bytes, CASE m.direction WHEN 'OUT' THEN 'sent' ELSE 'received' END AS direction
         FROM messages m
        WHERE NOT EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.message_id = m.id::text AND l.kind = 'envelope')
       UNION ALL
       SELECT DISTINCT ON (o.nats_msg_id) o.payload, 'sent'
         FROM outbox o
        WHERE o.kind = 'RECEIPT' AND o.signing_unit IS NULL AND NOT EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.message_id = o.nats_msg_id AND l.kind = 'receipt')
       UNION ALL
       SELECT r.signed, 'received'
         FROM received_receipts r
        WHERE NOT EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.message_id = r.receipt_id AND l.kind = 'receipt' AND l.direction = 'received')`,
    );
    const leaves: LeafInput[] = [];
    for (const r of rows) {
      try {
        leaves.push(leafOf({ bytes: r.bytes, direction: r.direction }));
      } catch (e) {
        this.fail(e); // not a SignedEnvelope: nothing to log (the scrub flags such a message row)
      }
    }
    for (let i = 0; i < leaves.length; i += 1000) await this.log.append(leaves.slice(i, i + 1000));
    return leaves.length;
  }

  /** The node as a witness of the other agencies' logs (the lib's SQL, on the node's data source). */
  witnessStore(logs: readonly WitnessedLog[], cosigner: CosignatureSigner): PgWitnessStore {
    return new PgWitnessStore(entityManagerDb(this.ds.manager), logs, cosigner, this.clock);
  }

  /** The largest checkpoint size each witness (by key name) has cosigned. */
  async cosignedSizes(): Promise<Map<string, number>> {
    const rows = await this.ds.query<{ witness: string; size: string }[]>('SELECT witness, max(checkpoint_size) AS size FROM tlog_cosignature GROUP BY witness');
    return new Map(rows.map((r) => [r.witness, Number(r.size)]));
  }

  // ---- integrity of the message rows ------------------------------------------------------------

  /** The next page of messages (by id) with whether their signed bytes are logged as their envelope. */
  async scrubPage(afterId: string | null, limit: number): Promise<ScrubRow[]> {
    const rows = await this.ds.query<(MessageRowSql & { logged: boolean })[]>(
      `SELECT ${MESSAGE_COLUMNS},
              EXISTS (SELECT 1 FROM tlog_leaf l WHERE l.message_id = m.id::text AND l.kind = 'envelope' AND l.entry = m.signed) AS logged
         FROM messages m WHERE ($1::uuid IS NULL OR m.id > $1::uuid) ORDER BY m.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => ({ ...toStored(r), logged: r.logged }));
  }

  /** The receipts this node received and logged, from leaf index `from` on (a page), with the next index. */
  async receivedReceipts(from: number, limit: number): Promise<{ next: number; entries: Uint8Array[] }> {
    const rows = await this.ds.query<{ idx: string; entry: Buffer }[]>(
      `SELECT idx, entry FROM tlog_leaf WHERE idx >= $1 AND kind = 'receipt' AND direction = 'received' ORDER BY idx LIMIT $2`,
      [from, limit],
    );
    return { next: rows.length ? Number(rows[rows.length - 1].idx) + 1 : from, entries: rows.map((r) => r.entry) };
  }

  /** The status of each (message, recipient unit) of messages this node sent; absent: no such row. */
  async recipientStatuses(messageIds: string[], units: string[]): Promise<Map<string, string>> {
    const rows = await this.ds.query<{ message_id: string; unit_id: string; status: string }[]>(
      `SELECT r.message_id, r.unit_id, r.status FROM message_recipients r
         JOIN unnest($1::uuid[], $2::text[]) AS w(m, u) ON r.message_id = w.m AND r.unit_id = w.u`,
      [messageIds, units],
    );
    return new Map(rows.map((r) => [`${r.message_id} ${r.unit_id}`, r.status]));
  }

  /** One message as stored, with its signed bytes. */
  async message(id: string): Promise<StoredMessageRow | undefined> {
    const [r] = await this.ds.query<MessageRowSql[]>(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.id = $1`, [id]);
    return r && toStored(r);
  }

  /** Records an integrity failure (its first detection is kept). */
  async flag(messageId: string, fields: string[], foundBy: 'open' | 'scrub'): Promise<void> {
    const now = this.clock.now();
    await this.ds.query(
      `INSERT INTO message_integrity_failures (message_id, fields, found_by, detected_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (message_id) DO UPDATE SET fields = EXCLUDED.fields, last_seen_at = EXCLUDED.last_seen_at`,
      [messageId, fields, foundBy, now],
    );
  }

  async failures(): Promise<IntegrityFailure[]> {
    const rows = await this.ds.query<{ message_id: string; fields: string[]; found_by: 'open' | 'scrub'; detected_at: Date; last_seen_at: Date }[]>(
      'SELECT message_id, fields, found_by, detected_at, last_seen_at FROM message_integrity_failures ORDER BY detected_at DESC',
    );
    return rows.map((r) => ({ messageId: r.message_id, fields: r.fields, foundBy: r.found_by, detectedAt: r.detected_at, lastSeenAt: r.last_seen_at }));
  }

  /** Those of the messages found tampered with. */
  async flaggedAmong(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.ds.query<{ message_id: string }[]>('SELECT message_id FROM message_integrity_failures WHERE message_id = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((r) => r.message_id));
  }

  // ---- the export's rows ------------------------------------------------------------------------

  /** The messages rows as stored, a page at a time (export format: ExportMessageRow). */
  async *exportMessages(): AsyncIterable<Record<string, unknown>> {
    let after: string | null = null;
    for (;;) {
      const rows: Record<string, unknown>[] = await this.ds.query(
        `SELECT m.*, to_json(m.created_at)#>>'{}' AS created_at, to_json(m.reported_at)#>>'{}' AS reported_at, to_json(m.received_at)#>>'{}' AS received_at,
                to_json(m.event_at)#>>'{}' AS event_at, encode(m.signed, 'base64') AS signed
           FROM messages m WHERE ($1::uuid IS NULL OR m.id > $1::uuid) ORDER BY m.id LIMIT 5000`,
        [after],
      );
      if (!rows.length) return;
      // The search columns are generated from the payload (MessageSearch migration): not part of the export.
      for (const { search: _s, search_surnames: _n, search_given_names: _g, search_documents: _d, search_checkpoints: _c, ...r } of rows) yield { ...r, signed: String(r.signed).replace(/\n/g, '') };
      after = rows[rows.length - 1].id as string;
    }
  }

  /** The message_recipients rows of sent messages, as stored (export format: ExportRecipientRow). */
  async *exportReceipts(): AsyncIterable<Record<string, unknown>> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT r.*, to_json(r.sent_at)#>>'{}' AS sent_at, to_json(r.delivered_at)#>>'{}' AS delivered_at, to_json(r.read_at)#>>'{}' AS read_at,
              to_json(r.dead_lettered_at)#>>'{}' AS dead_lettered_at
         FROM message_recipients r JOIN messages m ON m.id = r.message_id WHERE m.direction = 'OUT' ORDER BY r.message_id, r.unit_id`,
    );
    yield* rows;
  }
}

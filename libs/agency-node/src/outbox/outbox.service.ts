import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { Clock } from '@shekara/common';
import { prepared } from '@shekara/persistence';
import type { AgencyCode, BusNames } from '@shekara/contracts';
import type { UnitSigner } from '@shekara/security';
import { BUS_NAMES, NODE_CONFIG, SIGNER } from '../tokens';
import type { AgencyNodeConfig } from '../config';
import { signRows } from './outbox.signing';

/** ENVELOPE: a report to a recipient agency (kept until receipts); RECEIPT: a receipt back to a sender; AUDIT: an event for the supervisor ledger. */
export type OutboxKind = 'ENVELOPE' | 'RECEIPT' | 'AUDIT';

export interface OutboxItem {
  kind: OutboxKind;
  messageId: string;
  targetAgency: AgencyCode;
  /**
   * ENVELOPE, RECEIPT: the serialized Envelope, to be signed as `signingUnit` (when written: see
   * `OutboxService.prepare`). AUDIT: the AuditEvent bytes, published as they are.
   */
  payload: Uint8Array;
  signingUnit?: string;
  /** JetStream Nats-Msg-Id: the message id (the server drops duplicates within its window). */
  natsMsgId: string;
}

/**
 * An outbox row as the relay publishes it: `payload` as it is, or, for a row written unsigned (by a
 * version that left signing to the relay), `signed` once the relay signed it as `signing_unit`.
 */
export interface OutboxRow {
  id: string;
  message_id: string;
  kind: OutboxKind;
  target_agency: string;
  subject: string;
  nats_msg_id: string;
  payload: Buffer;
  attempts: number;
  last_published_at: Date | null;
  signing_unit: string | null;
  signed: Buffer | null;
}

/** What `outboxInsert` returns of each row it inserted. */
export interface OutboxInserted {
  id: string;
  nats_msg_id: string;
  target_agency: string;
}

/**
 * The INSERT of outbox rows given as JSON (`OutboxService.prepare`) in parameter `param`: usable as a
 * statement or as a data-modifying CTE (`where` filters the rows, as `x`). An envelope is queued once
 * per recipient agency. It returns `OutboxInserted` of the rows inserted: the writer hands them to
 * `OutboxService.written` (from a CTE, the statement must select them).
 */
export function outboxInsert(param: string, where = 'true'): string {
  return `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at, signing_unit)
    SELECT x.message_id, x.kind, x.target_agency, x.subject, x.nats_msg_id, decode(x.payload, 'base64'), x.created_at, x.next_attempt_at, x.signing_unit
      FROM jsonb_to_recordset(${param}::jsonb) AS x(message_id uuid, kind text, target_agency text, subject text, nats_msg_id text,
           payload text, created_at timestamptz, next_attempt_at timestamptz, signing_unit text)
     WHERE ${where}
    ON CONFLICT (message_id, target_agency) WHERE kind = 'ENVELOPE' DO NOTHING
    RETURNING id, nats_msg_id, target_agency`;
}

/** The key of an outbox row among those one statement writes. */
const rowKey = (natsMsgId: string, targetAgency: string) => `${natsMsgId} ${targetAgency}`;

/** Outbox rows prepared for an insert: `json` is outboxInsert's parameter. */
export interface OutboxBatch {
  json: string;
  rows: Map<string, Omit<OutboxRow, 'id'>>;
  /** The SignedEnvelope of each envelope or receipt signed for this batch, by publication id (its message id). */
  signed: Map<string, Buffer>;
}

/**
 * Writes outbox rows inside the caller's statement or transaction, and hands the rows written to
 * this process's relay once they are committed: it publishes them at once (no pass, no claim). They
 * are written due `OUTBOX_DISPATCH_GRACE_MS` later, so that the relay claims them only if this
 * process did not publish them by then (it crashed after the commit, or the publication failed).
 *
 * Handed over after the commit of a TypeORM transaction (a transaction subscriber), or at once for
 * a statement that committed on its own. The relay is not woken by NOTIFY for these: NOTIFY takes
 * a server-wide lock at commit and serialises every committing transaction of the server, which
 * capped the whole bus at the server's NOTIFY rate. Writers in other processes (a tool loading the
 * outbox) write rows due at once and wake the relays with `NOTIFY shekara_outbox`; the relay's poll
 * is the safety net for anything else.
 */
@Injectable()
export class OutboxService implements EntitySubscriberInterface {
  private readonly pending = new WeakMap<QueryRunner, OutboxRow[]>();
  private readonly consumers = new Set<(rows: OutboxRow[]) => void>();

  constructor(
    private readonly clock: Clock,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    @Inject(SIGNER) private readonly signer: UnitSigner,
    ds: DataSource,
  ) {
    ds.subscribers.push(this);
  }

  /** Calls `take` with the rows written by this process, after their commit; returns the unsubscribe function. */
  onCommitted(take: (rows: OutboxRow[]) => void): () => void {
    this.consumers.add(take);
    return () => this.consumers.delete(take);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const rows = event.queryRunner && this.pending.get(event.queryRunner);
    if (!rows) return;
    this.pending.delete(event.queryRunner);
    this.handOver(rows);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner) this.pending.delete(event.queryRunner);
  }

  private handOver(rows: OutboxRow[]): void {
    if (!rows.length) return;
    for (const take of this.consumers) take(rows);
  }

  /** Writes the rows in m's transaction (or on their own) and hands them over after the commit. */
  async enqueue(m: EntityManager, items: OutboxItem[]): Promise<void> {
    if (!items.length) return;
    const batch = this.prepare(items);
    this.written(batch, await prepared<OutboxInserted>(m, outboxInsert('$1'), [batch.json]), m);
  }

  /**
   * The rows of `batch` that a statement inserted (`outboxInsert`'s RETURNING) were written: through
   * m's transaction (handed over after its commit), or by a statement already committed (no m, or m
   * outside a transaction: handed over now).
   */
  written(batch: OutboxBatch, inserted: OutboxInserted[], m?: EntityManager): void {
    const rows: OutboxRow[] = [];
    for (const i of inserted) {
      const row = batch.rows.get(rowKey(i.nats_msg_id, i.target_agency));
      if (row) rows.push({ ...row, id: String(i.id) });
    }
    const runner = m?.queryRunner;
    if (runner?.isTransactionActive) this.pending.set(runner, [...(this.pending.get(runner) ?? []), ...rows]);
    else this.handOver(rows);
  }

  /**
   * `written` for a statement whose result rows mix its own with the outbox rows its `outboxInsert`
   * CTE returned (selected with UNION ALL as `outbox_id`, `nats_msg_id`, `target_agency`, NULL on
   * its own rows).
   */
  writtenAmong(batch: OutboxBatch, result: { outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }[], m?: EntityManager): void {
    const inserted = result.filter((r) => r.outbox_id !== null).map((r) => ({ id: r.outbox_id!, nats_msg_id: r.nats_msg_id!, target_agency: r.target_agency! }));
    this.written(batch, inserted, m);
  }

  /**
   * Outbox rows as `outboxInsert` reads them, for a writer inserting them in its own statement.
   *
   * Envelopes and receipts are signed here, before the transaction that writes them: one Ed25519
   * signature per signing unit over the Merkle root of its envelopes in the batch, each envelope
   * with its inclusion proof (`signRows`). So the row holds exactly the bytes the relay publishes
   * (and re-sends), and the writer can store the proof of what it sent in the same transaction.
   * Signing in the relay instead meant writing every envelope's row and message again once signed,
   * which cost the database more than the publication it recorded.
   */
  prepare(items: OutboxItem[]): OutboxBatch {
    const at = this.clock.now();
    const now = at.toISOString();
    const due = new Date(at.getTime() + this.config.outbox.dispatchGraceMs).toISOString();
    const rows = new Map<string, Omit<OutboxRow, 'id'>>();
    for (const it of items) {
      rows.set(rowKey(it.natsMsgId, it.targetAgency), {
        message_id: it.messageId,
        kind: it.kind,
        target_agency: it.targetAgency,
        subject: it.kind === 'AUDIT' ? this.names.auditSubject(it.targetAgency) : this.names.inboxSubject(it.targetAgency),
        nats_msg_id: it.natsMsgId,
        payload: Buffer.from(it.payload.buffer, it.payload.byteOffset, it.payload.byteLength),
        attempts: 0,
        last_published_at: null,
        signing_unit: it.signingUnit ?? null,
        signed: null,
      });
    }
    const signed = new Map<string, Buffer>();
    for (const row of signRows(this.signer, [...rows.values()])) {
      signed.set(row.nats_msg_id, row.signed!);
      // Written signed: published as it is.
      row.payload = row.signed!;
      row.signing_unit = null;
      row.signed = null;
    }
    // The rows as outboxInsert reads them (it ignores the keys it does not name).
    const json = JSON.stringify([...rows.values()].map((r) => ({ ...r, payload: r.payload.toString('base64'), created_at: now, next_attempt_at: due })));
    return { json, rows, signed };
  }
}

/**
 * The UPDATE completing envelopes (a statement or a CTE): an envelope's outbox row is done (at
 * parameter `doneAt`) once every recipient unit of its agency answered with a receipt. `answered`
 * is a relation of (message_id, agency); `movedNow`, if given, a relation of (message_id, unit_id)
 * whose status the same statement moves on from PENDING/SENT (its CTEs all see the rows as they
 * were before it).
 *
 * Every table is reached by key, for each answered pair: the envelope's row by its unique key
 * (message, agency), and the statuses still open by the message's key. Both are LATERAL
 * subqueries kept by their LIMIT from being flattened into joins: a plan over the due index would
 * visit the entries of every row done since the last vacuum, one over the key index without the
 * key every envelope; and a NOT EXISTS, made an anti-join, was planned (with the key-lookup
 * settings) as one scan of every open status of every message, per statement: a receipt cost the
 * database a walk of the whole index of statuses (2.7 ms and ~700 pages for 100k messages).
 */
export function completeIfAnswered(answered: string, doneAt: string, movedNow?: string): string {
  return `UPDATE outbox o SET done_at = ${doneAt}
      FROM (SELECT e.id FROM ${answered} AS x(message_id, agency)
              CROSS JOIN LATERAL (SELECT o.id, o.done_at FROM outbox o WHERE o.message_id = x.message_id AND o.target_agency = x.agency AND o.kind = 'ENVELOPE' LIMIT 1) AS e
              LEFT JOIN LATERAL (SELECT 1 AS open FROM message_recipients r
                                  WHERE r.message_id = x.message_id AND r.agency = x.agency AND r.status IN ('PENDING', 'SENT')
                                    ${movedNow ? `AND (r.message_id, r.unit_id) NOT IN (SELECT message_id, unit_id FROM ${movedNow})` : ''}
                                  LIMIT 1) AS w ON true
             WHERE e.done_at IS NULL AND w.open IS NULL) AS t
     WHERE o.id = t.id`;
}

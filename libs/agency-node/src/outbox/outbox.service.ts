import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { Clock } from '@shekara/common';
import { prepared } from '@shekara/persistence';
import type { AgencyCode, BusNames } from '@shekara/contracts';
import { BUS_NAMES, NODE_CONFIG } from '../tokens';
import type { AgencyNodeConfig } from '../config';

/** ENVELOPE: a report to a recipient agency (kept until receipts); RECEIPT: a receipt back to a sender; AUDIT: an event for the supervisor ledger. */
export type OutboxKind = 'ENVELOPE' | 'RECEIPT' | 'AUDIT';

export interface OutboxItem {
  kind: OutboxKind;
  messageId: string;
  targetAgency: AgencyCode;
  /**
   * ENVELOPE, RECEIPT: the serialized Envelope, signed by the relay as `signingUnit` (a batch at a
   * time). AUDIT: the AuditEvent bytes, published as they are.
   */
  payload: Uint8Array;
  signingUnit?: string;
  /** JetStream Nats-Msg-Id: the message id (the server drops duplicates within its window). */
  natsMsgId: string;
}

/**
 * The INSERT of outbox rows given as JSON (`OutboxService.toJson`) in parameter `param`: usable as a
 * statement or as a data-modifying CTE (`where` filters the rows, as `x`). An envelope is queued once
 * per recipient agency.
 */
export function outboxInsert(param: string, where = 'true'): string {
  return `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at, signing_unit)
    SELECT x.message_id, x.kind, x.target_agency, x.subject, x.nats_msg_id, decode(x.payload, 'base64'), x.created_at, x.next_attempt_at, x.signing_unit
      FROM jsonb_to_recordset(${param}::jsonb) AS x(message_id uuid, kind text, target_agency text, subject text, nats_msg_id text,
           payload text, created_at timestamptz, next_attempt_at timestamptz, signing_unit text)
     WHERE ${where}
    ON CONFLICT (message_id, target_agency) WHERE kind = 'ENVELOPE' DO NOTHING`;
}

/**
 * Writes outbox rows inside the caller's transaction; the relay publishes them after commit.
 *
 * The relay of this process is woken in process once a transaction that wrote outbox rows has
 * committed (a TypeORM transaction subscriber), not by NOTIFY: NOTIFY takes a server-wide lock at
 * commit and serialises every committing transaction of the server, which capped the whole bus at
 * the server's NOTIFY rate. Writers in other processes (a second instance of the node, a tool
 * loading the outbox) wake the relays with `NOTIFY shekara_outbox`; the relay's poll is the
 * safety net for anything else.
 */
@Injectable()
export class OutboxService implements EntitySubscriberInterface {
  private readonly pendingWake = new WeakSet<QueryRunner>();
  private readonly wakeups = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    @Inject(BUS_NAMES) private readonly names: BusNames,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
    ds: DataSource,
  ) {
    ds.subscribers.push(this);
  }

  /** Calls wake after every commit that wrote outbox rows; returns the unsubscribe function. */
  onCommitted(wake: () => void): () => void {
    this.wakeups.add(wake);
    return () => this.wakeups.delete(wake);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner && this.pendingWake.delete(event.queryRunner)) this.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner) this.pendingWake.delete(event.queryRunner);
  }

  private wake(): void {
    for (const wake of this.wakeups) wake();
  }

  async enqueue(m: EntityManager, items: OutboxItem[]): Promise<void> {
    if (!items.length) return;
    await prepared(m, outboxInsert('$1'), [this.toJson(items)]);
    this.written(m);
  }

  /**
   * Outbox rows due now were written: through m's transaction (this process's relay is woken after its
   * commit), or by a statement already committed (no m, or m outside a transaction: woken now).
   */
  written(m?: EntityManager): void {
    if (m?.queryRunner?.isTransactionActive) this.pendingWake.add(m.queryRunner);
    else this.wake();
  }

  /** Outbox rows as the JSON `outboxInsert` reads: for a caller writing them in its own statement. */
  toJson(items: OutboxItem[]): string {
    const at = this.clock.now();
    const now = at.toISOString();
    const auditDue = new Date(at.getTime() + this.config.outbox.auditDelayMs).toISOString();
    return JSON.stringify(
      items.map((it) => ({
        message_id: it.messageId,
        kind: it.kind,
        target_agency: it.targetAgency,
        subject: it.kind === 'AUDIT' ? this.names.auditSubject(it.targetAgency) : this.names.inboxSubject(it.targetAgency),
        nats_msg_id: it.natsMsgId,
        payload: Buffer.from(it.payload.buffer, it.payload.byteOffset, it.payload.byteLength).toString('base64'),
        created_at: now,
        next_attempt_at: it.kind === 'AUDIT' ? auditDue : now,
        signing_unit: it.signingUnit ?? null,
      })),
    );
  }
}

/**
 * The UPDATE completing envelopes (a statement or a CTE): an envelope's outbox row is done (at
 * parameter `doneAt`) once every recipient unit of its agency answered with a receipt. `answered`
 * is a relation of (message_id, agency); `movedNow`, if given, a relation of (message_id, unit_id)
 * whose status the same statement moves on from PENDING/SENT (its CTEs all see the rows as they
 * were before it). The rows are looked up by their unique key (message, agency), for each answered
 * pair (LATERAL, kept from being flattened into a join by its LIMIT; the key is unique): a plan over the due index would visit the entries of every row done since the last
 * vacuum, and one over the key index without the key would visit every envelope.
 */
export function completeIfAnswered(answered: string, doneAt: string, movedNow?: string): string {
  return `UPDATE outbox o SET done_at = ${doneAt}
      FROM (SELECT e.id FROM ${answered} AS x(message_id, agency),
              LATERAL (SELECT o.id, o.done_at FROM outbox o WHERE o.message_id = x.message_id AND o.target_agency = x.agency AND o.kind = 'ENVELOPE' LIMIT 1) AS e
             WHERE e.done_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM message_recipients r
                                WHERE r.message_id = x.message_id AND r.agency = x.agency AND r.status IN ('PENDING', 'SENT')
                                  ${movedNow ? `AND (r.message_id, r.unit_id) NOT IN (SELECT message_id, unit_id FROM ${movedNow})` : ''})) AS t
     WHERE o.id = t.id`;
}

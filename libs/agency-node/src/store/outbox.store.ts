import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { KeyLookupPool, keyLookupTransaction, prepared } from '@shekara/persistence';
import type { KeyLookupTx } from '@shekara/persistence';
import type { AgencyCode } from '@shekara/contracts';
import type { AgencyNodeConfig } from '../core';
import { NODE_CONFIG } from '../core';

/**
 * ENVELOPE: a report to a recipient agency (kept until receipts); RECEIPT: a receipt back to a sender;
 * AUDIT: an event for the supervisor ledger; BANK: a data bank version for another agency's node
 * (done once the bus accepted it, like a receipt); ALERT: a witness's fork alert for another agency's
 * node (docs/transparency-log.md; done once the bus accepted it).
 */
export type OutboxKind = 'ENVELOPE' | 'RECEIPT' | 'AUDIT' | 'BANK' | 'ALERT';

/** What a writer queues for publication (`WriteBatch.send`): an outbox row before it is written. */
export interface OutboxItem {
  kind: OutboxKind;
  messageId: string;
  targetAgency: AgencyCode;
  /**
   * ENVELOPE, RECEIPT: the serialized Envelope, to be signed as `signingUnit` (when written: see
   * `WriteBatch`). AUDIT: the AuditEvent bytes, published as they are.
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
 * The outbox rows among the result rows of a statement that selects them (UNION ALL) with its own:
 * `outbox_id`, `nats_msg_id`, `target_agency`, NULL on its own rows.
 */
export function outboxAmong(result: { outbox_id: string | null; nats_msg_id: string | null; target_agency: string | null }[]): OutboxInserted[] {
  return result.filter((r) => r.outbox_id !== null).map((r) => ({ id: r.outbox_id!, nats_msg_id: r.nats_msg_id!, target_agency: r.target_agency! }));
}

/**
 * The INSERT of outbox rows given as JSON (`WriteBatch`) in parameter `param`: usable as a
 * statement or as a data-modifying CTE (`where` filters the rows, as `x`). An envelope is queued once
 * per recipient agency. It returns `OutboxInserted` of the rows inserted: the writer hands them to
 * the dispatch after the commit (from a CTE, the statement must select them).
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
  // A receipt proves the envelope was published, whether or not the outcome of its publication was
  // recorded (it is skipped while the receipt holds the row): a re-send of a row re-opened later
  // must get a fresh Nats-Msg-Id (publicationId), or the server drops it as a duplicate. (attempts
  // stays the count of publications recorded: the dispatch's outcome may still come.)
  return `UPDATE outbox o SET done_at = ${doneAt}, last_published_at = COALESCE(o.last_published_at, ${doneAt})
      FROM (SELECT e.id FROM ${answered} AS x(message_id, agency)
              CROSS JOIN LATERAL (SELECT o.id, o.done_at FROM outbox o WHERE o.message_id = x.message_id AND o.target_agency = x.agency AND o.kind = 'ENVELOPE' LIMIT 1) AS e
              LEFT JOIN LATERAL (SELECT 1 AS open FROM message_recipients r
                                  WHERE r.message_id = x.message_id AND r.agency = x.agency AND r.status IN ('PENDING', 'SENT')
                                    ${movedNow ? `AND (r.message_id, r.unit_id) NOT IN (SELECT message_id, unit_id FROM ${movedNow})` : ''}
                                  LIMIT 1) AS w ON true
             WHERE e.done_at IS NULL AND w.open IS NULL) AS t
     WHERE o.id = t.id`;
}

/**
 * The outcome of publishing a batch of rows, in ONE statement (every row is updated once: two CTEs
 * must not update one row). Every table is reached by key (a key-lookup transaction or pool keeps
 * its plan).
 *
 * A row locked by someone else is skipped, never waited for (a dispatch holds no lock while it
 * publishes, so a receipt completing the envelope or a pass that claimed it can hold it; the one
 * holding it records what matters); in a pass, its own claimed rows are locked by itself. A
 * recipient's status moves from PENDING to SENT, and its first sending time is kept whatever its
 * status (a receipt often comes back before the outcome of a dispatch is recorded). Likewise a
 * message's row or a recipient's status locked by someone else: the one holding a status is
 * recording a receipt, which locks the status first and the envelope's row next (waiting would
 * deadlock) and moves the status past SENT anyway; a message's row, another outcome recording the
 * same proof.
 */
/**
 * A failed publication (its server away, or the link between the agencies cut: no responders) is
 * retried with a doubling delay of at most this long, whatever OUTBOX_RESEND_MAX_MS says: when the
 * link returns, everything held goes within this (plus a poll) — issue #16 asks for 30 s.
 */
export const FAILED_RETRY_MAX_MS = 10_000;

const OUTCOME = `WITH x AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS x(id, signed, outcome, error, at)),
      o AS (UPDATE outbox o SET
              signed = COALESCE(decode(x.signed, 'base64'), o.signed),
              attempts = o.attempts + 1,
              last_published_at = CASE WHEN x.outcome = 'failed' THEN o.last_published_at ELSE x.at END,
              done_at = CASE WHEN x.outcome = 'done' THEN x.at ELSE o.done_at END,
              last_error = x.error,
              next_attempt_at = CASE x.outcome
                WHEN 'sent' THEN x.at + make_interval(secs => LEAST($6::bigint, $7::bigint * power(2, LEAST(o.attempts, 20))::bigint) / 1000.0)
                WHEN 'failed' THEN x.at + make_interval(secs => LEAST($6::bigint, ${FAILED_RETRY_MAX_MS}, 1000 * power(2, LEAST(o.attempts, 10))::bigint) / 1000.0)
                ELSE o.next_attempt_at END
            FROM x WHERE o.id = x.id
             AND o.id IN (SELECT id FROM outbox WHERE id = ANY($1::bigint[]) FOR UPDATE SKIP LOCKED)),
      p AS (UPDATE messages msg SET signed = decode(s.signed, 'base64')
              FROM unnest($8::uuid[], $9::text[]) AS s(id, signed)
             WHERE msg.id = s.id AND msg.direction = 'OUT' AND msg.signed IS NULL
               AND msg.id IN (SELECT id FROM messages WHERE id = ANY($8::uuid[]) AND signed IS NULL FOR UPDATE SKIP LOCKED)),
      r AS (UPDATE message_recipients r SET status = CASE WHEN r.status = 'PENDING' THEN 'SENT' ELSE r.status END, sent_at = COALESCE(r.sent_at, t.at)
              FROM (SELECT l.message_id, l.unit_id, s.at FROM unnest($10::uuid[], $11::text[], $12::timestamptz[]) AS s(message_id, agency, at),
                      LATERAL (SELECT r2.message_id, r2.unit_id FROM message_recipients r2
                                WHERE r2.message_id = s.message_id AND r2.agency = s.agency AND (r2.status = 'PENDING' OR r2.sent_at IS NULL)
                                FOR UPDATE SKIP LOCKED) AS l) AS t
             WHERE r.message_id = t.message_id AND r.unit_id = t.unit_id)
 SELECT 1`;

/** The outcomes of publishing rows, as OUTCOME records them (parallel arrays). */
export interface PublicationOutcomes {
  ids: string[];
  /** The signed bytes made at publication (base64), of a row written unsigned. */
  signed: (string | null)[];
  outcomes: ('sent' | 'done' | 'failed')[];
  errors: (string | null)[];
  at: Date[];
  resendMaxMs: number;
  resendAfterMs: number;
  /** The message rows that get their proof (signed envelope) now, and the proofs (base64). */
  proofIds: string[];
  proofs: string[];
  /** The envelopes published: message, agency, when. */
  sentIds: string[];
  sentAgencies: string[];
  sentAt: Date[];
}

/** A position in the due index: a row's next_attempt_at (as PostgreSQL prints it) and id. */
export interface DueKey {
  due: string;
  id: string;
}

/** Only such keys are written into a claim (they come from the database; the claim has no parameters). */
function isDueKey(k: DueKey): boolean {
  return /^[0-9 :.+-]+$/.test(k.due) && /^[0-9]+$/.test(k.id);
}

/** An outbox row not yet done, as the admin console lists it. */
export interface PendingOutboxRow {
  id: string;
  message_id: string;
  kind: OutboxKind;
  target_agency: string;
  attempts: number;
  next_attempt_at: Date;
  last_published_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

/**
 * The outbox: rows written (`outboxInsert`, inside the writers' statements), claimed by the relay,
 * their publication outcomes, the done rows pruned, the table vacuumed; and `LISTEN shekara_outbox`.
 */
@Injectable()
export class OutboxStore {
  /** Publication outcomes recorded outside a pass: commits that do not wait for the WAL flush. */
  private readonly pool: KeyLookupPool;
  private listener?: Client;
  private listening = false;
  /** As many as the relay records at once (`OutboxRelay.PARALLEL`). */
  static readonly OUTCOME_CONNECTIONS = 2;

  constructor(
    private readonly ds: DataSource,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {
    this.pool = new KeyLookupPool(config.databaseUrl, { durable: false, max: OutboxStore.OUTCOME_CONNECTIONS, applicationName: `shekara-${config.agency}-relay` });
  }

  /** Inserts outbox rows (JSON, `WriteBatch`) in m's transaction, or on their own. */
  insert(m: EntityManager | DataSource, json: string): Promise<OutboxInserted[]> {
    return prepared<OutboxInserted>(m, outboxInsert('$1'), [json]);
  }

  /**
   * Claims up to `limit` rows due at `now` (after `after` in the due index's order, if given) in a
   * key-lookup transaction, not durable, and runs `work` with them and the transaction before its
   * COMMIT. The claim and the transaction's settings go in one multi-statement query (simple
   * protocol, no parameters: the instant is our own ISO string).
   *
   * The outbox is a queue: few live rows, and between vacuums its due index is full of entries of
   * rows already done. Only an ordered index scan stops after LIMIT rows and marks those entries
   * dead as it passes them; a bitmap scan (which the planner prefers, counting live rows only)
   * visits every one of them, every pass. The key-lookup transaction allows no other.
   */
  claim<T>(now: Date, limit: number, after: DueKey | undefined, work: (tx: KeyLookupTx, rows: (OutboxRow & { due: string })[]) => Promise<T>): Promise<T> {
    const from = after && isDueKey(after) ? `AND (next_attempt_at, id) > ('${after.due}'::timestamptz, ${after.id})` : '';
    const claim = `SELECT id, message_id, kind, target_agency, subject, nats_msg_id, payload, attempts, last_published_at, signing_unit, signed,
                          next_attempt_at::text AS due FROM outbox
          WHERE done_at IS NULL AND next_attempt_at <= '${now.toISOString()}'::timestamptz ${from}
          ORDER BY next_attempt_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    return keyLookupTransaction(this.ds, { durable: false, first: claim }, (tx, claimed) => work(tx, claimed as (OutboxRow & { due: string })[]));
  }

  /** Records publication outcomes in one statement: in a pass's transaction `tx`, or on the store's own connections. */
  async recordOutcomes(o: PublicationOutcomes, tx?: KeyLookupTx): Promise<void> {
    await (tx ?? this.pool).query(OUTCOME, [o.ids, o.signed, o.outcomes, o.errors, o.at, o.resendMaxMs, o.resendAfterMs, o.proofIds, o.proofs, o.sentIds, o.sentAgencies, o.sentAt]);
  }

  /**
   * Calls `onNotify` at every `NOTIFY shekara_outbox`, on a connection of its own; when the database
   * goes away, listens again 2 s later (until `close`).
   */
  async listen(onNotify: () => void): Promise<void> {
    this.listening = true;
    const again = () => setTimeout(() => void (this.listening && this.listen(onNotify)), 2000).unref();
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', () => onNotify());
    client.on('error', () => {
      // The database went away: the relay falls back to polling; listen again later.
      this.listener = undefined;
      client.end().catch(() => undefined);
      again();
    });
    try {
      await client.connect();
      await client.query('LISTEN shekara_outbox');
      this.listener = client;
    } catch {
      client.end().catch(() => undefined);
      again();
    }
  }

  /** Deletes up to `limit` rows done before `before`, oldest first; resolves with how many went. */
  async pruneDone(before: Date, limit: number): Promise<number> {
    const [{ n }] = await this.ds.query<{ n: number }[]>(
      `WITH gone AS (DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE done_at < $1 ORDER BY id LIMIT $2) RETURNING 1)
           SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
    return n;
  }

  /**
   * Vacuums the outbox and analyzes the node's tables. VACUUM runs outside a transaction (a
   * connection in autocommit): it takes no lock that writers or the relay wait for. Only a table's
   * owner may vacuum it (PostgreSQL 15/16; the app role would be skipped with a warning), so this
   * round, and nothing else, connects as the owner (DATABASE_MAINTENANCE_URL, given only for this),
   * for its duration (docs/database-roles.md).
   */
  async vacuum(): Promise<void> {
    if (!this.config.maintenanceDatabaseUrl) throw new Error('no DATABASE_MAINTENANCE_URL: only the owner may vacuum');
    const owner = new Client({ connectionString: this.config.maintenanceDatabaseUrl, application_name: `shekara-${this.config.agency}-maintenance` });
    await owner.connect();
    try {
      await owner.query('VACUUM (ANALYZE) outbox');
      await owner.query('ANALYZE messages, message_recipients, audit_log');
    } finally {
      await owner.end();
    }
  }

  /** Rows not yet done, oldest first, a page. */
  pending(page: number, pageSize: number): Promise<PendingOutboxRow[]> {
    return this.ds.query(
      `SELECT id, message_id, kind, target_agency, attempts, next_attempt_at, last_published_at, last_error, created_at
         FROM outbox WHERE done_at IS NULL ORDER BY id LIMIT $1 OFFSET $2`,
      [pageSize, (page - 1) * pageSize],
    );
  }

  /** How many rows are not yet done, by kind. */
  depth(): Promise<{ kind: string; n: string }[]> {
    return this.ds.query(`SELECT kind, count(*) AS n FROM outbox WHERE done_at IS NULL GROUP BY kind`);
  }

  /** Stops listening and closes the store's own connections. */
  async close(): Promise<void> {
    this.listening = false;
    await this.pool.end().catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }
}

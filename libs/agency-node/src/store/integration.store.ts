import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A position in the feed: the writing transaction (xid8, as text) and the event's sequence number. */
export interface FeedPosition {
  tx: string;
  seq: string;
}

export interface ClientAccountRow {
  id: string;
  client_id: string;
  name: string;
  units: string[];
  clearance: string;
  rate_per_minute: number;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  acked_tx: string;
  acked_seq: string;
  webhook_url: string | null;
  webhook_tx: string;
  webhook_seq: string;
  webhook_attempts: number;
  webhook_next_at: Date | null;
  webhook_failed_at: Date | null;
  webhook_last_error: string | null;
}

export interface NewClientAccount {
  id: string;
  clientId: string;
  name: string;
  secretHash: Buffer;
  units: string[];
  clearance: string;
  ratePerMinute: number;
  createdAt: Date;
  createdBy: string;
}

/** One feed event with the message it concerns. */
export interface FeedEventRow {
  tx: string;
  seq: string;
  unit_id: string;
  type: 'message' | 'status';
  message_id: string;
  recipient_unit: string | null;
  status: string | null;
  reason: string | null;
  at: Date;
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
  payload: Record<string, unknown>;
}

/** The rows of an UPDATE … RETURNING (TypeORM answers [rows, count] for an UPDATE, the rows for a SELECT). */
function updated<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}

const ACCOUNT_COLUMNS = `id, client_id, name, units, clearance, rate_per_minute, created_at, created_by, revoked_at,
  acked_tx::text, acked_seq::text, webhook_url, webhook_tx::text, webhook_seq::text, webhook_attempts, webhook_next_at,
  webhook_failed_at, webhook_last_error`;

/**
 * Machine clients' service accounts and their durable feed (docs/integration.md). The feed's events
 * are written by triggers on message_recipients (migration 1766400000000); this store only reads
 * them, in (tx, seq) order and below the oldest running transaction (no later commit can land
 * behind a position served).
 */
@Injectable()
export class IntegrationStore {
  constructor(private readonly ds: DataSource) {}

  /** Creates an account; false when the client id is taken. */
  async create(a: NewClientAccount): Promise<boolean> {
    const rows = await this.ds.query(
      `INSERT INTO integration_clients (id, client_id, name, secret_hash, units, clearance, rate_per_minute, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (client_id) DO NOTHING RETURNING id`,
      [a.id, a.clientId, a.name, a.secretHash, a.units, a.clearance, a.ratePerMinute, a.createdAt, a.createdBy],
    );
    return rows.length === 1;
  }

  list(): Promise<ClientAccountRow[]> {
    return this.ds.query(`SELECT ${ACCOUNT_COLUMNS} FROM integration_clients ORDER BY created_at, client_id`);
  }

  async byId(id: string): Promise<ClientAccountRow | undefined> {
    const [row] = await this.ds.query(`SELECT ${ACCOUNT_COLUMNS} FROM integration_clients WHERE id = $1`, [id]);
    return row;
  }

  /** The account of a client id with its secret's hash (for the token endpoint). */
  async credentials(clientId: string): Promise<(ClientAccountRow & { secret_hash: Buffer }) | undefined> {
    const [row] = await this.ds.query(`SELECT ${ACCOUNT_COLUMNS}, secret_hash FROM integration_clients WHERE client_id = $1`, [clientId]);
    return row;
  }

  /** Revokes an account (idempotent); its id, or undefined when there is no such client. */
  async revoke(clientId: string, at: Date): Promise<string | undefined> {
    const [row] = updated<{ id: string }>(await this.ds.query(`UPDATE integration_clients SET revoked_at = coalesce(revoked_at, $2) WHERE client_id = $1 RETURNING id`, [clientId, at]));
    return row?.id;
  }

  /**
   * Sets (or, with url null, removes) an account's webhook. Deliveries start after what the account
   * has acknowledged in its feed; a webhook marked failed starts again.
   */
  async setWebhook(clientId: string, url: string | null, secret: string | null, now: Date): Promise<string | undefined> {
    const [row] = updated<{ id: string }>(await this.ds.query(
      `UPDATE integration_clients SET webhook_url = $2, webhook_secret = $3, webhook_tx = acked_tx, webhook_seq = acked_seq,
              webhook_attempts = 0, webhook_next_at = $4, webhook_failed_at = NULL, webhook_last_error = NULL
        WHERE client_id = $1 RETURNING id`,
      [clientId, url, secret, now],
    ));
    return row?.id;
  }

  /** Up to `limit` events of `units` after `after`, oldest first, with their messages. */
  feed(units: string[], after: FeedPosition, limit: number): Promise<FeedEventRow[]> {
    return this.ds.query(
      `SELECT e.tx::text, e.seq::text, e.unit_id, e.type, e.message_id, e.recipient_unit, e.status, e.reason, e.at,
              m.kind, m.sender_unit, m.recipient_units, m.correlation_id, m.classification, m.created_at, m.reported_at,
              m.period, m.event_at, m.confirms, m.summary, m.payload
         FROM feed_events e JOIN messages m ON m.id = e.message_id
        WHERE e.unit_id = ANY($1::text[]) AND (e.tx, e.seq) > ($2::xid8, $3::bigint)
          AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.tx, e.seq LIMIT $4`,
      [units, after.tx, after.seq, limit],
    );
  }

  /** Whether `p` is at or before the last servable event of the feed (of any unit): a cursor past it is from the future. */
  async reached(p: FeedPosition): Promise<boolean> {
    if (p.tx === '0' && p.seq === '0') return true;
    // Only what the feed can serve counts (below the oldest running transaction): a position beyond it
    // could be passed by an event still being written.
    const [row] = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM feed_events WHERE (tx, seq) >= ($1::xid8, $2::bigint) AND tx < pg_snapshot_xmin(pg_current_snapshot())) AS ok`,
      [p.tx, p.seq],
    );
    return row.ok;
  }

  /** Moves an account's acknowledged position forward to `p` (never back). */
  async ack(accountId: string, p: FeedPosition): Promise<FeedPosition> {
    const [row] = updated<FeedPosition>(await this.ds.query(
      `UPDATE integration_clients SET acked_tx = CASE WHEN (acked_tx, acked_seq) < ($2::xid8, $3::bigint) THEN $2::xid8 ELSE acked_tx END,
              acked_seq = CASE WHEN (acked_tx, acked_seq) < ($2::xid8, $3::bigint) THEN $3::bigint ELSE acked_seq END
        WHERE id = $1 RETURNING acked_tx::text AS tx, acked_seq::text AS seq`,
      [accountId, p.tx, p.seq],
    ));
    return row;
  }

  /**
   * Deletes the events every open account bound to their unit has acknowledged, and whose webhook
   * (if live) has delivered; the last event of the feed is always kept (cursors up to it stay
   * valid, see `reached`). Returns how many were deleted.
   */
  async prune(): Promise<number> {
    const result = await this.ds.query(
      `WITH last AS (SELECT tx, seq FROM feed_events ORDER BY tx DESC, seq DESC LIMIT 1)
       DELETE FROM feed_events e USING last
        WHERE (e.tx, e.seq) < (last.tx, last.seq) AND e.tx < pg_snapshot_xmin(pg_current_snapshot())
          AND NOT EXISTS (SELECT 1 FROM integration_clients c
                           WHERE c.revoked_at IS NULL AND c.units @> ARRAY[e.unit_id]
                             AND ((c.acked_tx, c.acked_seq) < (e.tx, e.seq)
                                  OR (c.webhook_url IS NOT NULL AND c.webhook_failed_at IS NULL AND (c.webhook_tx, c.webhook_seq) < (e.tx, e.seq))))`,
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  /** Accounts with a live webhook due for a delivery attempt at `now`. */
  webhooksDue(now: Date): Promise<(ClientAccountRow & { webhook_secret: string })[]> {
    return this.ds.query(
      `SELECT ${ACCOUNT_COLUMNS}, webhook_secret FROM integration_clients
        WHERE webhook_url IS NOT NULL AND revoked_at IS NULL AND webhook_failed_at IS NULL AND webhook_next_at <= $1
        ORDER BY webhook_next_at LIMIT 100`,
      [now],
    );
  }

  /** A webhook delivery succeeded up to `p`. */
  async webhookDelivered(accountId: string, p: FeedPosition, now: Date): Promise<void> {
    await this.ds.query(
      `UPDATE integration_clients SET webhook_tx = $2::xid8, webhook_seq = $3::bigint, webhook_attempts = 0, webhook_next_at = $4, webhook_last_error = NULL WHERE id = $1`,
      [accountId, p.tx, p.seq, now],
    );
  }

  /** A webhook delivery failed: retried at `nextAt`, or, with nextAt null, the webhook is marked failed and stops. */
  async webhookAttemptFailed(accountId: string, attempts: number, error: string, nextAt: Date | null, now: Date): Promise<void> {
    await this.ds.query(
      `UPDATE integration_clients SET webhook_attempts = $2, webhook_last_error = $3, webhook_next_at = $4,
              webhook_failed_at = CASE WHEN $4::timestamptz IS NULL THEN $5::timestamptz ELSE NULL END WHERE id = $1`,
      [accountId, attempts, error.slice(0, 500), nextAt, now],
    );
  }
}

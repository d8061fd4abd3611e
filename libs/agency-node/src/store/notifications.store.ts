import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface NotificationRow {
  id: string;
  key: string;
  unitId: string;
  /** The code: WINDOW_OPEN, REMINDER, MISSING, ESCALATION (the scheduler's), URGENT_RECEIVED (the node's). */
  type: string;
  obligation: string | null;
  period: string | null;
  messageId: string | null;
  counterparts: string[];
  /** What the consoles render it with (instants in RFC 3339, names as ids). */
  params: Record<string, string>;
  /** The Russian text, for readers without the params. */
  text: string;
  at: Date;
}

export interface StoredNotification {
  id: string;
  at: Date;
  type: string;
  obligation: string | null;
  period: string | null;
  message_id: string | null;
  counterparts: string[];
  params: Record<string, string>;
  text: string;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  /** The stored classification of the message it names (null: none, or not at this node). */
  message_classification: string | null;
}

const COLUMNS = `n.id, n.at, n.type, n.obligation, n.period, n.message_id, n.counterparts, n.params, n.text, n.acknowledged_at, n.acknowledged_by`;

/** Notifications raised to a unit's duty desk, acknowledged by its officers. */
@Injectable()
export class NotificationsStore {
  constructor(private readonly ds: DataSource) {}

  /** Stores a notification unless its key is stored already: true when stored now. */
  async insert(n: NotificationRow): Promise<boolean> {
    return (await this.insertMany([n])).length > 0;
  }

  /** Stores notifications whose keys are new (one statement); returns the ids stored now. */
  async insertMany(ns: NotificationRow[]): Promise<string[]> {
    if (!ns.length) return [];
    const inserted: { id: string }[] = await this.ds.query(
      `INSERT INTO notifications (id, key, unit_id, type, obligation, period, message_id, counterparts, params, text, at)
         SELECT n.id, n.key, n.unit_id, n.type, n.obligation, n.period, n.message_id,
                ARRAY(SELECT jsonb_array_elements_text(n.counterparts)), n.params, n.text, n.at
           FROM jsonb_to_recordset($1::jsonb) AS n(id uuid, key text, unit_id text, type text, obligation text, period text,
                message_id text, counterparts jsonb, params jsonb, text text, at timestamptz)
         ON CONFLICT (key) DO NOTHING RETURNING id`,
      [
        JSON.stringify(
          ns.map((n) => ({
            id: n.id,
            key: n.key,
            unit_id: n.unitId,
            type: n.type,
            obligation: n.obligation,
            period: n.period,
            message_id: n.messageId,
            counterparts: n.counterparts,
            params: n.params,
            text: n.text,
            at: n.at.toISOString(),
          })),
        ),
      ],
    );
    return inserted.map((r) => r.id);
  }

  /**
   * The unit's notifications, newest first, a page (`open`: only those not yet acknowledged), the
   * total of that listing, and how many of the unit's are not acknowledged.
   */
  async page(unitId: string, page: number, pageSize: number, open = false): Promise<{ rows: StoredNotification[]; total: number; unacknowledged: number }> {
    const [{ n, unacknowledged }] = await this.ds.query(
      `SELECT count(*) FILTER (WHERE NOT $2 OR acknowledged_at IS NULL)::int AS n, count(*) FILTER (WHERE acknowledged_at IS NULL)::int AS unacknowledged
         FROM notifications WHERE unit_id = $1`,
      [unitId, open],
    );
    const rows: StoredNotification[] = await this.ds.query(
      // The classification of the message a notification names, read now: the text shown is redacted by it per user.
      `SELECT ${COLUMNS}, m.classification AS message_classification
         FROM notifications n
         LEFT JOIN messages m ON m.id = CASE WHEN n.message_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN n.message_id::uuid END
        WHERE n.unit_id = $1 AND (NOT $4 OR n.acknowledged_at IS NULL)
        ORDER BY n.at DESC, n.id DESC LIMIT $2 OFFSET $3`,
      [unitId, pageSize, (page - 1) * pageSize, open],
    );
    return { rows, total: n, unacknowledged };
  }

  /**
   * Acknowledges notifications of the unit not acknowledged yet (`ids`, or all when undefined):
   * who and when; returns the ids acknowledged now. Another unit's ids are left alone.
   */
  async acknowledge(unitId: string, ids: string[] | undefined, by: string, at: Date): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      // (In a CTE: TypeORM answers a bare UPDATE ... RETURNING with [rows, count].)
      `WITH done AS (
         UPDATE notifications SET acknowledged_at = $3, acknowledged_by = $2
          WHERE unit_id = $1 AND acknowledged_at IS NULL AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[])) RETURNING id)
       SELECT id FROM done`,
      [unitId, by, at, ids ?? null],
    );
    return rows.map((r) => r.id);
  }
}

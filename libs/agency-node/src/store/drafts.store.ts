import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Marks drafts used up by reports sent (parallel arrays of unit, kind, period, message id in the
 * given parameters; a statement or a CTE): the first report sent for a draft uses it.
 */
export function draftsUsedUp(units: string, kinds: string, periods: string, ids: string): string {
  return `UPDATE drafts d SET sent_message_id = x.message_id
      FROM (SELECT DISTINCT ON (unit_id, kind, period) * FROM unnest(${units}::text[], ${kinds}::text[], ${periods}::text[], ${ids}::uuid[]) AS u(unit_id, kind, period, message_id)
            ORDER BY unit_id, kind, period, message_id) AS x
     WHERE d.unit_id = x.unit_id AND d.kind = x.kind AND d.period = x.period AND d.sent_message_id IS NULL`;
}

export interface DraftRow {
  id: string;
  kind: string;
  period: string;
  body: Record<string, unknown>;
  created_at: Date;
  window_opens_at: Date | null;
  window_closes_at: Date | null;
}

/** A URGENT or ADVANCE report a unit sent or received. */
export interface ActivityRow {
  kind: string;
  direction: string;
  payload: Record<string, any>;
}

/** Drafts of the periodic reports, and what a unit exchanged, which they are assembled from. */
@Injectable()
export class DraftsStore {
  constructor(private readonly ds: DataSource) {}

  /** Stores a draft unless one exists for (unit, kind, period): its id when stored now. */
  async insert(d: { id: string; unitId: string; kind: string; period: string; body: Record<string, unknown>; at: Date; opensAt: Date; closesAt: Date }): Promise<string | undefined> {
    const inserted: { id: string }[] = await this.ds.query(
      `INSERT INTO drafts (id, unit_id, kind, period, body, created_at, window_opens_at, window_closes_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (unit_id, kind, period) DO NOTHING RETURNING id`,
      [d.id, d.unitId, d.kind, d.period, d.body, d.at, d.opensAt, d.closesAt],
    );
    return inserted[0]?.id;
  }

  /** The unit's drafts not yet used up, newest first (at most 20). */
  unsent(unitId: string): Promise<DraftRow[]> {
    return this.ds.query(
      `SELECT id, kind, period, body, created_at, window_opens_at, window_closes_at FROM drafts
        WHERE unit_id = $1 AND sent_message_id IS NULL ORDER BY created_at DESC LIMIT 20`,
      [unitId],
    );
  }

  /** Deletes a draft of the unit: false when there is none. */
  async delete(unitId: string, id: string): Promise<boolean> {
    const r: unknown[] = await this.ds.query(`WITH d AS (DELETE FROM drafts WHERE id = $1 AND unit_id = $2 RETURNING id) SELECT id FROM d`, [id, unitId]);
    return r.length > 0;
  }

  /** The URGENT and ADVANCE reports the unit sent or received in [from, to). */
  activity(unitId: string, from: Date, to: Date): Promise<ActivityRow[]> {
    return this.ds.query(
      `SELECT m.kind, m.direction, m.payload FROM messages m
        WHERE m.created_at >= $2 AND m.created_at < $3 AND m.kind IN ('URGENT', 'ADVANCE')
          AND (m.sender_unit = $1 OR $1 = ANY(m.recipient_units))`,
      [unitId, from, to],
    );
  }
}

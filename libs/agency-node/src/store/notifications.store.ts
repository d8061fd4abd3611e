import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface NotificationRow {
  id: string;
  key: string;
  unitId: string;
  type: string;
  obligation: string | null;
  period: string | null;
  messageId: string | null;
  counterparts: string[];
  text: string;
  at: Date;
}

/** Notifications raised to a unit's duty desk. */
@Injectable()
export class NotificationsStore {
  constructor(private readonly ds: DataSource) {}

  /** Stores a notification unless its key is stored already: true when stored now. */
  async insert(n: NotificationRow): Promise<boolean> {
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO notifications (id, key, unit_id, type, obligation, period, message_id, counterparts, text, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (key) DO NOTHING RETURNING id`,
      [n.id, n.key, n.unitId, n.type, n.obligation, n.period, n.messageId, n.counterparts, n.text, n.at],
    );
    return inserted.length > 0;
  }

  /** The unit's notifications, newest first, a page, and the total. */
  async page(unitId: string, page: number, pageSize: number): Promise<{ rows: Record<string, never>[]; total: number }> {
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM notifications WHERE unit_id = $1`, [unitId]);
    const rows = await this.ds.query(
      `SELECT id, at, type, obligation, period, message_id, counterparts, text FROM notifications WHERE unit_id = $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3`,
      [unitId, pageSize, (page - 1) * pageSize],
    );
    return { rows, total: n };
  }
}

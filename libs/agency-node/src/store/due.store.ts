import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What a unit sent and still owes, for its "due now". */
@Injectable()
export class DueStore {
  constructor(private readonly ds: DataSource) {}

  /** The unit's URGENT reports of the last 7 days (before `now`) that no confirmation answers yet, oldest first. */
  unconfirmedUrgent(unitId: string, now: Date): Promise<{ id: string; summary: string; classification: string; reported_at: Date }[]> {
    return this.ds.query(
      `SELECT u.id, u.summary, u.classification, u.reported_at FROM messages u
        WHERE u.direction = 'OUT' AND u.kind = 'URGENT' AND u.sender_unit = $1 AND u.reported_at > $2::timestamptz - interval '7 days'
          AND NOT EXISTS (SELECT 1 FROM messages c WHERE c.direction = 'OUT' AND c.kind = 'URGENT_CONFIRMATION' AND c.confirms = u.id)
        ORDER BY u.reported_at`,
      [unitId, now],
    );
  }

  /** Reports of a kind the unit sent for a period, or without a period from a day before `opensAt` on, oldest first. */
  sentFor(kind: string, unitId: string, period: string, opensAt: Date): Promise<{ id: string; recipient_units: string[]; period: string | null; created_at: Date }[]> {
    return this.ds.query(
      `SELECT id, recipient_units, period, created_at FROM messages
        WHERE direction = 'OUT' AND kind = $1 AND sender_unit = $2 AND (period = $3 OR (period IS NULL AND created_at >= $4::timestamptz - interval '1 day'))
        ORDER BY created_at`,
      [kind, unitId, period, opensAt],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A unit's monthly statistics (clause 9.3), as stored (sent or received). */
export interface StatisticsRow {
  id: string;
  sender_unit: string;
  recipient_units: string[];
  created_at: Date;
  payload: { statistics?: Record<string, any> };
}

/** Monthly statistics sent and received: the messages of kind STATISTICS. */
@Injectable()
export class StatisticsStore {
  constructor(private readonly ds: DataSource) {}

  /** The statistics of `period` this unit sent or was sent, oldest first. */
  ofPeriod(unitId: string, period: string): Promise<StatisticsRow[]> {
    return this.ds.query(
      `SELECT id, sender_unit, recipient_units, created_at, payload FROM messages
        WHERE kind = 'STATISTICS' AND period = $2 AND (sender_unit = $1 OR $1 = ANY(recipient_units))
        ORDER BY created_at, id`,
      [unitId, period],
    );
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';

/** A message of a handover act (its proposal or a later step) as the act is folded from. */
export interface HandoverStepRow {
  id: string;
  kind: string;
  direction: 'IN' | 'OUT';
  sender_unit: string;
  recipient_units: string[];
  correlation_id: string;
  classification: string;
  created_at: Date;
  received_at: Date | null;
  created_by: string | null;
  payload: Record<string, unknown>;
}

const STEP_COLUMNS = `id, kind, direction, sender_unit, recipient_units, correlation_id, classification, created_at, received_at, created_by, payload`;

/**
 * Handover acts (clause 9.6). An act is its messages: the proposal (whose id is the act's) and the
 * steps correlated with it, sent or received; nothing else is stored, so the chain of custody is
 * exactly the signed envelopes each side holds.
 */
@Injectable()
export class HandoverStore {
  constructor(private readonly ds: DataSource) {}

  /** Serialises the steps of one act taken on this node (until m's transaction ends). */
  async lock(m: EntityManager, actId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('handover:' || $1, 0))`, [actId]);
  }

  /** The proposal and the steps of the acts, oldest first. */
  steps(actIds: string[], m: EntityManager = this.ds.manager): Promise<HandoverStepRow[]> {
    if (!actIds.length) return Promise.resolve([]);
    return m.query(
      `SELECT ${STEP_COLUMNS} FROM messages
        WHERE kind LIKE 'HANDOVER\\_%' AND correlation_id = ANY($1::text[])
        ORDER BY created_at, id`,
      [actIds],
    );
  }

  /** The ids of the acts a unit hands over (`out`) or receives (`in`), newest first. */
  async actsOf(unitId: string, box: 'in' | 'out', limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      box === 'out'
        ? `SELECT id FROM messages WHERE kind = 'HANDOVER_PROPOSAL' AND direction = 'OUT' AND sender_unit = $1 ORDER BY created_at DESC LIMIT $2`
        : `SELECT id FROM messages WHERE kind = 'HANDOVER_PROPOSAL' AND direction = 'IN' AND $1 = ANY(recipient_units) ORDER BY created_at DESC LIMIT $2`,
      [unitId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** The ids of the acts a unit is party to whose items were handed over in [lo, hi). */
  async actsHandedBetween(unitId: string, lo: Date, hi: Date): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM messages WHERE kind = 'HANDOVER_PROPOSAL' AND event_at >= $2 AND event_at < $3 AND (sender_unit = $1 OR $1 = ANY(recipient_units))`,
      [unitId, lo, hi],
    );
    return rows.map((r) => r.id);
  }

  /** The signed envelopes of messages (for the printable act's fingerprints). */
  async signed(ids: string[]): Promise<Map<string, Buffer>> {
    const rows: { id: string; signed: Buffer }[] = ids.length ? await this.ds.query(`SELECT id, signed FROM messages WHERE id = ANY($1::uuid[])`, [ids]) : [];
    return new Map(rows.map((r) => [r.id, r.signed]));
  }

  /** Runs `work` in one transaction. */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }
}

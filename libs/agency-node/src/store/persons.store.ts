import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PersonIndexStore } from '@shekara/matching';
import type { Candidate, ConnectionPool, PersonRecord } from '@shekara/matching';
import { appendAuditLog, auditLogInsert } from './audit.store';

/** Kinds of report that can name persons (urgent reports and their confirmations, advance notices). */
export const KINDS_WITH_PERSONS = ['URGENT', 'URGENT_CONFIRMATION', 'ADVANCE'];

/** An officer's decision on a possible match, as stored (match_decisions). */
export interface MatchDecisionRow {
  unit_id: string;
  person_id: string;
  candidate_id: string;
  message_id: string;
  candidate_message_id: string;
  decision: 'CONFIRMED' | 'REJECTED';
  note: string | null;
  decided_by: string;
  decided_at: Date;
}

/** A message as the person index and the desk's matches need it. */
export interface PersonSourceRow {
  id: string;
  direction: 'OUT' | 'IN';
  kind: string;
  sender_unit: string;
  recipient_units: string[];
  classification: string;
  summary: string;
  created_at: Date;
  event_at: Date | null;
  payload: Record<string, unknown>;
}

const SOURCE_COLUMNS = `m.id, m.direction, m.kind, m.sender_unit, m.recipient_units, m.classification, m.summary, m.created_at, m.event_at, m.payload`;

/**
 * The person index of the node (tables match_persons of @shekara/matching and match_indexed): the
 * persons named in reports, filed with the message they came from, and the candidate search.
 */
@Injectable()
export class PersonsStore {
  private index?: PersonIndexStore;

  constructor(private readonly ds: DataSource) {}

  /** The matching library's store on the data source's pg pool (candidates take one connection for a read-only transaction). */
  private persons(): PersonIndexStore {
    this.index ??= new PersonIndexStore((this.ds.driver as unknown as { master: ConnectionPool }).master);
    return this.index;
  }

  /** Messages that may name persons and are not indexed yet: the given ids, or any (catch-up after a restart), at most `limit`. */
  async unindexed(limit: number, ids?: readonly string[]): Promise<PersonSourceRow[]> {
    const only = ids ? `AND m.id = ANY($2::uuid[])` : '';
    return this.ds.query(
      `SELECT ${SOURCE_COLUMNS} FROM messages m
        WHERE m.kind = ANY($1::text[]) ${only}
          AND NOT EXISTS (SELECT 1 FROM match_indexed x WHERE x.message_id = m.id)
        LIMIT ${Math.trunc(limit)}`,
      ids ? [KINDS_WITH_PERSONS, ids] : [KINDS_WITH_PERSONS],
    );
  }

  /** Files the persons of indexed messages (replacing any filed before; one statement per 1,000 persons) and marks the messages done. */
  async file(done: ReadonlyArray<{ messageId: string; persons: readonly PersonRecord[] }>, now: Date): Promise<void> {
    await this.persons().file(done.flatMap((d) => d.persons.map((record) => ({ record, source: d.messageId }))));
    await this.ds.query(
      `INSERT INTO match_indexed (message_id, persons, indexed_at)
       SELECT id, n, $3::timestamptz FROM unnest($1::uuid[], $2::int[]) AS u(id, n)
       ON CONFLICT (message_id) DO NOTHING`,
      [done.map((d) => d.messageId), done.map((d) => d.persons.length), now],
    );
  }

  /** The best candidates for a query, leaving out the persons filed from `exceptMessage`. */
  candidates(query: PersonRecord, limit: number, exceptMessage?: string): Promise<Candidate[]> {
    return this.persons().candidates(query, limit, exceptMessage ? (id) => id.startsWith(`${exceptMessage}:`) : undefined);
  }

  /** One person filed in the index, by id. */
  async person(id: string): Promise<{ record: PersonRecord; source: string | null } | undefined> {
    const rows: Array<{ record: PersonRecord; source: string | null }> = await this.ds.query(`SELECT record, source FROM match_persons WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Records a decision (replacing the unit's earlier one on the same pair) and its audit entry, in one statement. */
  async decide(d: Omit<MatchDecisionRow, 'decided_at'> & { decided_at: Date }, auditJson: string): Promise<MatchDecisionRow> {
    const rows: MatchDecisionRow[] = await this.ds.query(
      `WITH aud AS (${auditLogInsert('$10')})
       INSERT INTO match_decisions (unit_id, person_id, candidate_id, message_id, candidate_message_id, decision, note, decided_by, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (unit_id, person_id, candidate_id) DO UPDATE SET decision = EXCLUDED.decision, note = EXCLUDED.note,
         decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at
       RETURNING *`,
      [d.unit_id, d.person_id, d.candidate_id, d.message_id, d.candidate_message_id, d.decision, d.note, d.decided_by, d.decided_at, auditJson],
    );
    return rows[0];
  }

  /** Records a person check in the audit log (who looked for whom). */
  recordCheck(auditJson: string): Promise<void> {
    return appendAuditLog(this.ds.manager, auditJson);
  }

  /** The unit's decisions on the possible matches of these persons. */
  async decisions(unitId: string, personIds: readonly string[]): Promise<MatchDecisionRow[]> {
    if (personIds.length === 0) return [];
    return this.ds.query(`SELECT * FROM match_decisions WHERE unit_id = $1 AND person_id = ANY($2::text[])`, [unitId, personIds]);
  }

  /** The hit decisions received for a unit about persons of one of its messages (IN, HIT_DECISION, correlated with it), newest first. */
  async hitDecisionsAbout(messageId: string, unitId: string): Promise<Array<{ id: string; sender_unit: string; payload: Record<string, unknown>; created_at: Date }>> {
    return this.ds.query(
      `SELECT id, sender_unit, payload, created_at FROM messages
        WHERE direction = 'IN' AND kind = 'HIT_DECISION' AND correlation_id = $1 AND $2 = ANY(recipient_units)
        ORDER BY created_at DESC, id DESC LIMIT 200`,
      [messageId, unitId],
    );
  }

  /** The messages persons were filed from, by id. */
  async sources(ids: readonly string[]): Promise<Map<string, PersonSourceRow>> {
    if (ids.length === 0) return new Map();
    const rows: PersonSourceRow[] = await this.ds.query(`SELECT ${SOURCE_COLUMNS} FROM messages m WHERE m.id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messages whose persons are in the person index (match_persons, from @shekara/matching): the
 * indexer, which runs after the commit of a report, looks here for what it has not done yet. And
 * the decisions of officers on possible matches (hits confirmed or rejected), one per unit, person
 * and candidate (the latest; each one is in the audit log).
 */
export class PersonsIndexed1765050000000 implements MigrationInterface {
  name = 'PersonsIndexed1765050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE match_indexed (message_id uuid PRIMARY KEY, persons integer NOT NULL, indexed_at timestamptz NOT NULL)`);
    await q.query(`
      CREATE TABLE match_decisions (
        unit_id              text NOT NULL,
        person_id            text NOT NULL,
        candidate_id         text NOT NULL,
        message_id           uuid NOT NULL,
        candidate_message_id uuid NOT NULL,
        decision             text NOT NULL CHECK (decision IN ('CONFIRMED', 'REJECTED')),
        note                 text,
        decided_by           text NOT NULL,
        decided_at           timestamptz NOT NULL,
        PRIMARY KEY (unit_id, person_id, candidate_id)
      )`);
    await q.query(`CREATE INDEX match_decisions_message ON match_decisions (message_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS match_decisions`);
    await q.query(`DROP TABLE IF EXISTS match_indexed`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messages whose persons are in the person index (match_persons, from @shekara/matching): the
 * indexer, which runs after the commit of a report, looks here for what it has not done yet.
 */
export class PersonsIndexed1765000000000 implements MigrationInterface {
  name = 'PersonsIndexed1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE match_indexed (message_id uuid PRIMARY KEY, persons integer NOT NULL, indexed_at timestamptz NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS match_indexed`);
  }
}

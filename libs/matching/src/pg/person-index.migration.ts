import type { MigrationInterface, QueryRunner } from 'typeorm';

export const PERSON_INDEX_TABLE = 'match_persons';

/**
 * What a node's app role may do with the person index (GRANT's words): index and re-index a
 * person; the name counts (name-counts.migration.ts) are written by the triggers of the filing
 * statement, as the app.
 */
export const PERSON_INDEX_APP_PRIVILEGES: Readonly<Record<string, string>> = { [PERSON_INDEX_TABLE]: 'SELECT, INSERT, UPDATE', match_name_counts: 'SELECT, INSERT, UPDATE' };

/**
 * The person index of a node: one row per person named in a report, with the keys of keys.ts in
 * two GIN-indexed arrays (narrow, broad) and the joined name keys under a trigram index (pg_trgm)
 * for what the keys miss. The node adds this migration to its list.
 */
export class MatchingPersonIndex1764900000000 implements MigrationInterface {
  name = 'MatchingPersonIndex1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE ${PERSON_INDEX_TABLE} (
        id          text PRIMARY KEY,
        record      jsonb NOT NULL,
        narrow_keys text[] NOT NULL,
        broad_keys  text[] NOT NULL,
        name_keys   text NOT NULL,
        source      text
      )`);
    await q.query(`CREATE INDEX ${PERSON_INDEX_TABLE}_narrow ON ${PERSON_INDEX_TABLE} USING gin (narrow_keys)`);
    await q.query(`CREATE INDEX ${PERSON_INDEX_TABLE}_broad ON ${PERSON_INDEX_TABLE} USING gin (broad_keys)`);
    await q.query(`CREATE INDEX ${PERSON_INDEX_TABLE}_names ON ${PERSON_INDEX_TABLE} USING gin (name_keys gin_trgm_ops)`);
    await q.query(`CREATE INDEX ${PERSON_INDEX_TABLE}_source ON ${PERSON_INDEX_TABLE} (source)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS ${PERSON_INDEX_TABLE}`);
  }
}

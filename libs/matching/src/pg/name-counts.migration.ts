import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PERSONS_KEY, preparePerson } from '../engine';
import type { PersonRecord } from '../person';
import { PERSON_INDEX_TABLE } from './person-index.migration';

export const NAME_COUNTS_TABLE = 'match_name_counts';

/**
 * The name frequencies of the person index (engine.ts, NameFrequencies): how many persons of
 * match_persons are counted under each frequency key (`s:` surname, `g:` given names; frequencyKeys),
 * and under PERSONS_KEY all of them. Each person's keys are columns of its row, written by the
 * store as it files the person; statement triggers on match_persons keep the counts in the same
 * statement as the insert, the re-filing (old keys out, new in) or the deletion, from the
 * statement's transition tables (so two transactions filing the same person count it once). The
 * counts are read at query time by key, never by scanning. The node adds this migration after
 * MatchingPersonIndex1764900000000; persons filed before it get their keys here.
 */
export class MatchingNameCounts1767300000000 implements MigrationInterface {
  name = 'MatchingNameCounts1767300000000';

  async up(q: QueryRunner): Promise<void> {
    const P = PERSON_INDEX_TABLE;
    const C = NAME_COUNTS_TABLE;
    await q.query(`ALTER TABLE ${P} ADD COLUMN surname_key text, ADD COLUMN given_key text`);
    await q.query(`CREATE TABLE ${C} (key text PRIMARY KEY, n integer NOT NULL)`);
    // Persons filed before: their keys from their records (the normalisation is the library's), 5,000 at a time.
    let last = '';
    for (;;) {
      const rows: Array<{ id: string; record: PersonRecord }> = await q.query(`SELECT id, record FROM ${P} WHERE id > $1 ORDER BY id LIMIT 5000`, [last]);
      if (rows.length === 0) break;
      const keys = rows.map((r) => preparePerson(r.record).frequency);
      await q.query(
        `UPDATE ${P} p SET surname_key = u.s, given_key = u.g FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, s, g) WHERE p.id = u.id`,
        [rows.map((r) => r.id), keys.map((k) => k.surname ?? null), keys.map((k) => k.given ?? null)],
      );
      last = rows[rows.length - 1].id;
    }
    await q.query(`
      INSERT INTO ${C} (key, n)
      SELECT key, count(*) FROM ${P}, unnest(ARRAY['${PERSONS_KEY}', surname_key, given_key]) AS key WHERE key IS NOT NULL GROUP BY key`);
    // One function for the three triggers: +1 for each key of the statement's new rows, -1 for each
    // of its old rows, in key order (two statements lock the rows of the counts in the same order).
    await q.query(`
      CREATE FUNCTION ${C}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO ${C} (key, n)
          SELECT key, count(*) FROM new_rows, unnest(ARRAY['${PERSONS_KEY}', surname_key, given_key]) AS key
           WHERE key IS NOT NULL GROUP BY key ORDER BY key
          ON CONFLICT (key) DO UPDATE SET n = ${C}.n + EXCLUDED.n;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO ${C} (key, n)
          SELECT key, sum(d) FROM (
              SELECT key, 1 AS d FROM new_rows, unnest(ARRAY[surname_key, given_key]) AS key
              UNION ALL
              SELECT key, -1 AS d FROM old_rows, unnest(ARRAY[surname_key, given_key]) AS key) AS x
           WHERE key IS NOT NULL GROUP BY key HAVING sum(d) <> 0 ORDER BY key
          ON CONFLICT (key) DO UPDATE SET n = ${C}.n + EXCLUDED.n;
        ELSE
          UPDATE ${C} c SET n = c.n - x.n
            FROM (SELECT key, count(*) AS n FROM old_rows, unnest(ARRAY['${PERSONS_KEY}', surname_key, given_key]) AS key
                   WHERE key IS NOT NULL GROUP BY key ORDER BY key) AS x
           WHERE c.key = x.key;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER ${C}_insert AFTER INSERT ON ${P} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${C}_apply()`);
    await q.query(`CREATE TRIGGER ${C}_update AFTER UPDATE ON ${P} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${C}_apply()`);
    await q.query(`CREATE TRIGGER ${C}_delete AFTER DELETE ON ${P} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${C}_apply()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER IF EXISTS ${NAME_COUNTS_TABLE}_${t} ON ${PERSON_INDEX_TABLE}`);
    await q.query(`DROP FUNCTION IF EXISTS ${NAME_COUNTS_TABLE}_apply()`);
    await q.query(`DROP TABLE IF EXISTS ${NAME_COUNTS_TABLE}`);
    await q.query(`ALTER TABLE ${PERSON_INDEX_TABLE} DROP COLUMN IF EXISTS surname_key, DROP COLUMN IF EXISTS given_key`);
  }
}

/**
 * The person index in PostgreSQL (schema: person-index.migration.ts, name-counts.migration.ts).
 * The one home of its SQL. Candidates come through the GIN indexes only: the narrow keys; when
 * they find nobody, the broad keys; when those find nobody, trigram similarity of the names. They
 * are rescored with the engine and the name frequencies of match_name_counts (kept by its triggers
 * as persons are filed; read by key), as the in-memory index does with its own counts.
 */
import { PERSONS_KEY, preparePerson, type NameFrequencies, type PreparedPerson } from '../engine';
import { personKeys, queryKeys } from '../keys';
import { BROAD_LIMIT, rank, RESCORE_LIMIT, TRIGRAM_LIMIT, type Candidate } from '../memory-index';
import type { PersonRecord } from '../person';
import { NAME_COUNTS_TABLE as COUNTS } from './name-counts.migration';
import { PERSON_INDEX_TABLE as T } from './person-index.migration';

/** What the store needs of a pg Pool, PoolClient or Client. */
export interface Queryable {
  query<R = any>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** A pg Pool: candidates() takes one connection for its transaction. */
export interface ConnectionPool extends Queryable {
  connect(): Promise<Queryable & { release(): void }>;
}

/** Trigram similarity a name needs to be a candidate when the keys found too little (pg_trgm's default is 0.3). */
export const TRIGRAM_THRESHOLD = 0.3;

export class PersonIndexStore {
  constructor(private readonly db: ConnectionPool) {}

  /** Adds or replaces persons (by id); `source` is the message they came from, if any. */
  add(persons: readonly PersonRecord[], source?: string): Promise<void> {
    return this.file(persons.map((record) => ({ record, source })));
  }

  /** Adds or replaces persons (by id), each with the message it came from: one statement per 1,000. */
  async file(persons: ReadonlyArray<{ record: PersonRecord; source?: string }>): Promise<void> {
    for (let i = 0; i < persons.length; i += 1000) {
      const batch = persons.slice(i, i + 1000);
      const ids: string[] = [];
      const records: string[] = [];
      const narrow: string[] = [];
      const broad: string[] = [];
      const names: string[] = [];
      const sources: (string | null)[] = [];
      const surnameKeys: (string | null)[] = [];
      const givenKeys: (string | null)[] = [];
      for (const { record: r, source } of batch) {
        const p = preparePerson(r);
        const keys = personKeys(p);
        ids.push(r.id);
        records.push(JSON.stringify(r));
        // Arrays of arrays must be rectangular in PostgreSQL: the key lists travel as text literals.
        narrow.push(arrayLiteral(keys.narrow));
        broad.push(arrayLiteral(keys.broad));
        names.push(nameText(p));
        sources.push(source ?? null);
        surnameKeys.push(p.frequency.surname ?? null);
        givenKeys.push(p.frequency.given ?? null);
      }
      await this.db.query(
        // The name counts follow in the same statement (match_name_counts' triggers).
        `INSERT INTO ${T} (id, record, narrow_keys, broad_keys, name_keys, source, surname_key, given_key)
         SELECT id, record::jsonb, narrow::text[], broad::text[], names, source, s, g
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS u(id, record, narrow, broad, names, source, s, g)
         ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, narrow_keys = EXCLUDED.narrow_keys,
           broad_keys = EXCLUDED.broad_keys, name_keys = EXCLUDED.name_keys, source = EXCLUDED.source,
           surname_key = EXCLUDED.surname_key, given_key = EXCLUDED.given_key`,
        [ids, records, narrow, broad, names, sources, surnameKeys, givenKeys],
      );
    }
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${T}`);
    return Number(rows[0].n);
  }

  /** The SQL of each retrieval step, for EXPLAIN in the tests. */
  static readonly SQL = {
    narrow: `SELECT id, record FROM ${T} WHERE narrow_keys && $1::text[] LIMIT ${RESCORE_LIMIT}`,
    broad: `SELECT id, record FROM ${T} WHERE broad_keys && $1::text[] LIMIT ${BROAD_LIMIT}`,
    trigram: `SELECT id, record FROM ${T} WHERE name_keys % $1 LIMIT ${TRIGRAM_LIMIT}`,
    counts: `SELECT key, n FROM ${COUNTS} WHERE key = ANY($1::text[])`,
  };

  /** The name frequencies of the index for the given keys (and the number of persons). */
  async frequencies(keys: Iterable<string>, c: Queryable = this.db): Promise<NameFrequencies> {
    const wanted = [...new Set([PERSONS_KEY, ...keys])];
    const { rows } = await c.query<{ key: string; n: number }>(PersonIndexStore.SQL.counts, [wanted]);
    const counts = new Map(rows.map((r) => [r.key, Number(r.n)]));
    return { persons: counts.get(PERSONS_KEY) ?? 0, count: (key) => counts.get(key) ?? 0 };
  }

  /**
   * Runs `work` in a read-only transaction where the planner may not scan the table: the planner
   * misjudges the selectivity of `&&` on small tables and a scan is never wanted here.
   */
  private async indexOnly<R>(work: (c: Queryable) => Promise<R>): Promise<R> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query('SET LOCAL enable_seqscan = off');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /**
   * The best `limit` candidates for a query, best first, scored and explained. Persons `skip` is
   * true for (e.g. those of the query's own message) are neither ranked nor counted as namesakes.
   */
  async candidates(query: PersonRecord, limit = 10, skip?: (id: string) => boolean): Promise<Candidate[]> {
    const q = preparePerson(query);
    const keys = queryKeys(q);
    const found = new Map<string, PreparedPerson>();
    const take = (rows: Array<{ id: string; record: PersonRecord }>) => {
      for (const row of rows) if (!found.has(row.id) && !skip?.(row.id)) found.set(row.id, preparePerson(row.record));
    };
    return this.indexOnly(async (c) => {
      if (keys.narrow.length > 0) take((await c.query(PersonIndexStore.SQL.narrow, [keys.narrow])).rows);
      if (found.size === 0 && keys.broad.length > 0) take((await c.query(PersonIndexStore.SQL.broad, [keys.broad])).rows);
      if (found.size === 0) take((await c.query(PersonIndexStore.SQL.trigram, [nameText(q)])).rows);
      const names: Array<string | undefined> = [q.frequency.surname, q.frequency.given];
      for (const p of found.values()) names.push(p.frequency.surname, p.frequency.given);
      return rank(q, found.values(), limit, await this.frequencies(names.filter((k): k is string => k !== undefined), c));
    });
  }

  /** The plans (EXPLAIN, JSON) of the three retrieval steps for a query, as candidates() runs them. */
  async plans(query: PersonRecord): Promise<{ narrow: string; broad: string; trigram: string }> {
    const q = preparePerson(query);
    const keys = queryKeys(q);
    return this.indexOnly(async (c) => {
      const plan = async (sql: string, param: unknown) => JSON.stringify((await c.query(`EXPLAIN (FORMAT JSON) ${sql}`, [param])).rows[0]['QUERY PLAN']);
      return { narrow: await plan(PersonIndexStore.SQL.narrow, keys.narrow), broad: await plan(PersonIndexStore.SQL.broad, keys.broad), trigram: await plan(PersonIndexStore.SQL.trigram, nameText(q)) };
    });
  }
}

function arrayLiteral(values: readonly string[]): string {
  return '{' + values.map((v) => '"' + v.replace(/["\\]/g, '\\$&') + '"').join(',') + '}';
}

/** The names as one text for trigrams: the joined keys of surname and given names. */
function nameText(p: PreparedPerson): string {
  return [...p.surname.joined.slice(0, 1), ...p.given.joined.slice(0, 1)].join(' ');
}

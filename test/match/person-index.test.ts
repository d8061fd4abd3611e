/**
 * The person index in the real PostgreSQL: the migration (pg_trgm, GIN indexes), add(), and
 * candidates() through the indexes (EXPLAIN shows index scans, no sequential scan), rescored
 * with the engine like the in-memory index.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import { MatchingNameCounts1767300000000, MatchingPersonIndex1764900000000, MemoryPersonIndex, PersonIndexStore, asRecord, buildEvalSet, preparePerson } from '@shekara/matching';
import { PG_URL } from '../support/harness';

describe('PersonIndexStore on PostgreSQL', () => {
  const url = withDatabase(PG_URL, `shekara_match_${randomBytes(4).toString('hex')}`);
  let pool: Pool;
  let store: PersonIndexStore;
  const set = buildEvalSet(5_000, 5, 20, 7);
  const memory = new MemoryPersonIndex();
  memory.add(set.identities.map(asRecord));

  beforeAll(async () => {
    await ensureDatabase(url);
    const ds = new DataSource({ type: 'postgres', url, migrations: [MatchingPersonIndex1764900000000, MatchingNameCounts1767300000000], poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations();
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 2 });
    store = new PersonIndexStore(pool);
    await store.add(set.identities.map(asRecord), 'test');
    await pool.query('ANALYZE match_persons');
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await dropDatabase(url);
  });

  it('holds every person once; adding again replaces', async () => {
    expect(await store.count()).toBe(5_000);
    const first = asRecord(set.identities[0]);
    await store.add([{ ...first, givenNames: 'Renamed' }]);
    expect(await store.count()).toBe(5_000);
    const { rows } = await pool.query(`SELECT record->>'givenNames' AS g FROM match_persons WHERE id = $1`, [first.id]);
    expect(rows[0].g).toBe('Renamed');
    await store.add([first]);
  });

  /** The counts as the triggers kept them, and as counting every filed person's keys now gives them. */
  async function counts(): Promise<{ kept: Record<string, number>; recounted: Record<string, number> }> {
    const kept = Object.fromEntries((await pool.query(`SELECT key, n FROM match_name_counts WHERE n <> 0`)).rows.map((r) => [r.key, r.n]));
    const recounted = Object.fromEntries(
      (await pool.query(`SELECT key, count(*)::int AS n FROM match_persons, unnest(ARRAY['#persons', surname_key, given_key]) AS key WHERE key IS NOT NULL GROUP BY key`)).rows.map((r) => [r.key, r.n]),
    );
    return { kept, recounted };
  }

  it('keeps the name counts on insert, on re-filing the same person under another name, and on deletion', async () => {
    const first = asRecord(set.identities[0]);
    const p = preparePerson(first);
    const renamed = preparePerson({ ...first, surname: 'Zzyzxov', givenNames: 'Qwerty' });
    const before = await counts();
    expect(before.kept).toEqual(before.recounted);
    expect(before.kept['#persons']).toBe(5_000);
    expect(before.kept[p.frequency.surname!]).toBe(memory.frequencies.count(p.frequency.surname!));
    expect(before.kept[p.frequency.given!]).toBe(memory.frequencies.count(p.frequency.given!));
    // The same person filed again, unchanged, in one statement with a new one: the new one counts once.
    await store.add([first, { id: 'extra', surname: first.surname, givenNames: first.givenNames }]);
    let now = await counts();
    expect(now.kept).toEqual(now.recounted);
    expect(now.kept['#persons']).toBe(5_001);
    expect(now.kept[p.frequency.surname!]).toBe(before.kept[p.frequency.surname!] + 1);
    // Re-filed under other names: out of the old names' counts, into the new ones'.
    await store.add([{ ...first, surname: 'Zzyzxov', givenNames: 'Qwerty' }]);
    now = await counts();
    expect(now.kept).toEqual(now.recounted);
    expect(now.kept['#persons']).toBe(5_001);
    expect(now.kept[p.frequency.surname!]).toBe(before.kept[p.frequency.surname!]);
    expect(now.kept[renamed.frequency.surname!]).toBe(1);
    expect(now.kept[renamed.frequency.given!]).toBe(1);
    // Two transactions filing the same new person at once: counted once.
    await Promise.all([store.add([{ id: 'twice', surname: 'Zzyzxov', givenNames: 'Qwerty' }]), store.add([{ id: 'twice', surname: 'Zzyzxov', givenNames: 'Qwerty' }])]);
    now = await counts();
    expect(now.kept).toEqual(now.recounted);
    expect(now.kept[renamed.frequency.surname!]).toBe(2);
    // Deleted (as a test or an operator may): out of the counts.
    await pool.query(`DELETE FROM match_persons WHERE id = ANY($1)`, [['extra', 'twice']]);
    await store.add([first]);
    const after = await counts();
    expect(after.kept).toEqual(before.kept);
  });

  it('the store reads the frequencies by key, as the in-memory index counts them', async () => {
    const p = preparePerson(asRecord(set.identities[3]));
    const f = await store.frequencies([p.frequency.surname!, p.frequency.given!, 's:NOBODY']);
    expect(f.persons).toBe(memory.frequencies.persons);
    for (const k of [p.frequency.surname!, p.frequency.given!, 's:NOBODY']) expect(f.count(k)).toBe(memory.frequencies.count(k));
  });

  it('gives the same score and explanation as the in-memory index for the same pair', async () => {
    for (const q of set.queries.slice(0, 40)) {
      const fromPg = await store.candidates(q.record, 3);
      const fromMemory = memory.search(q.record, 3);
      expect(fromPg.map((c) => [c.id, c.score, c.explanation])).toEqual(fromMemory.map((c) => [c.id, c.score, c.explanation]));
    }
    const some = (await store.candidates(set.queries[0].record, 1))[0];
    expect(some.explanation.surname.frequency?.persons ?? some.explanation.givenNames.frequency?.persons).toBe(5_000);
  }, 60_000);

  it('finds what the in-memory index finds, with the same scores', async () => {
    for (const q of set.queries) {
      const fromPg = await store.candidates(q.record, 5);
      const fromMemory = memory.search(q.record, 5);
      if (q.truth !== undefined) expect(fromPg.map((c) => c.id)).toContain(q.truth);
      expect(fromPg[0]?.score).toBe(fromMemory[0]?.score);
    }
  }, 60_000);

  it('goes through the indexes, not a scan (EXPLAIN)', async () => {
    const plans = await store.plans(set.queries[0].record);
    for (const [step, index] of [['narrow', 'match_persons_narrow'], ['broad', 'match_persons_broad'], ['trigram', 'match_persons_names']] as const) {
      expect(plans[step]).toContain(`"Index Name":"${index}"`);
      expect(plans[step]).not.toContain('Seq Scan');
    }
    const { rows } = await pool.query(`SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'`);
    expect(rows).toHaveLength(1);
  });

  it('falls back to trigrams for a name the keys cannot find', async () => {
    const p = asRecord(set.identities[1]);
    const mangled = { id: 'q', surname: p.surname.slice(0, 1) + 'x' + p.surname.slice(2), givenNames: p.givenNames };
    const found = await store.candidates(mangled, 50);
    expect(found.length).toBeGreaterThan(0);
  });
});

describe('MatchingNameCounts1767300000000 on an index filed before it', () => {
  const url = withDatabase(PG_URL, `shekara_match_${randomBytes(4).toString('hex')}`);
  afterAll(() => dropDatabase(url));

  it('gives the persons already filed their keys and counts them, and the triggers count from then on', async () => {
    await ensureDatabase(url);
    const first = new DataSource({ type: 'postgres', url, migrations: [MatchingPersonIndex1764900000000], poolSize: 1 });
    await first.initialize();
    await first.runMigrations();
    const persons = buildEvalSet(300, 1, 1, 3).identities.map(asRecord);
    for (const p of persons) await first.query(`INSERT INTO match_persons (id, record, narrow_keys, broad_keys, name_keys) VALUES ($1, $2, '{}', '{}', '')`, [p.id, JSON.stringify(p)]);
    await first.destroy();
    const second = new DataSource({ type: 'postgres', url, migrations: [MatchingPersonIndex1764900000000, MatchingNameCounts1767300000000], poolSize: 1 });
    await second.initialize();
    await second.runMigrations();
    await second.destroy();
    const pool = new Pool({ connectionString: url, max: 1 });
    try {
      const memory = new MemoryPersonIndex();
      memory.add(persons);
      const store = new PersonIndexStore(pool);
      const p = preparePerson(persons[0]);
      let f = await store.frequencies([p.frequency.surname!, p.frequency.given!]);
      expect(f.persons).toBe(300);
      expect(f.count(p.frequency.surname!)).toBe(memory.frequencies.count(p.frequency.surname!));
      expect(f.count(p.frequency.given!)).toBe(memory.frequencies.count(p.frequency.given!));
      await store.add([{ ...persons[0], id: 'new' }]);
      f = await store.frequencies([p.frequency.surname!]);
      expect(f.persons).toBe(301);
      expect(f.count(p.frequency.surname!)).toBe(memory.frequencies.count(p.frequency.surname!) + 1);
    } finally {
      await pool.end();
    }
  }, 60_000);
});

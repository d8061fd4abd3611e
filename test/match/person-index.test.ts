/**
 * The person index in the real PostgreSQL: the migration (pg_trgm, GIN indexes), add(), and
 * candidates() through the indexes (EXPLAIN shows index scans, no sequential scan), rescored
 * with the engine like the in-memory index.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dropDatabase, ensureDatabase, withDatabase } from '@shekara/persistence';
import { MatchingPersonIndex1764900000000, MemoryPersonIndex, PersonIndexStore, asRecord, buildEvalSet } from '@shekara/matching';
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
    const ds = new DataSource({ type: 'postgres', url, migrations: [MatchingPersonIndex1764900000000], poolSize: 1 });
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

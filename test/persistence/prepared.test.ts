import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyLookupPool, dropDatabase, ensureDatabase, keyLookupTransaction, prepared, statementName, withDatabase } from '@shekara/persistence';
import { PG_URL } from '../support/harness';

/** prepared(): named prepared statements on the pool or a transaction's connection, against the real server. */
describe('prepared statements', () => {
  const url = withDatabase(PG_URL, `shekara_prep_${randomBytes(4).toString('hex')}`);
  let ds: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url);
    ds = new DataSource({ type: 'postgres', url, poolSize: 1 });
    await ds.initialize();
    await ds.query(`CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)`);
  });

  afterAll(async () => {
    await ds?.destroy();
    await dropDatabase(url);
  });

  const INSERT = `INSERT INTO t (id, v) SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT (id) DO NOTHING RETURNING id`;

  it('runs on the pool, is prepared once per connection and reused', async () => {
    for (let i = 0; i < 8; i++) expect(await prepared<{ id: number }>(ds, INSERT, [[i], [`v${i}`]])).toEqual([{ id: i }]);
    expect(await prepared(ds, INSERT, [[1], ['again']])).toEqual([]);
    // One connection in the pool: it ran all nine, from one prepared statement.
    const names = await ds.transaction((m) => prepared<{ name: string; runs: string }>(m, `SELECT name, (generic_plans + custom_plans)::text AS runs FROM pg_prepared_statements ORDER BY name`, []));
    expect(names).toContainEqual({ name: statementName(INSERT), runs: '9' });
    expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
  });

  it("runs inside the caller's transaction: a rollback undoes it", async () => {
    await expect(
      ds.transaction(async (m) => {
        await prepared(m, INSERT, [[100], ['inside']]);
        expect(await prepared(m, `SELECT v FROM t WHERE id = $1`, [100])).toEqual([{ v: 'inside' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await prepared(ds, `SELECT v FROM t WHERE id = $1`, [100])).toEqual([]);
  });

  it('names statements by their text', () => {
    expect(statementName(INSERT)).toBe(statementName(`${INSERT}`));
    expect(statementName(INSERT)).not.toBe(statementName(`${INSERT} `));
    expect(statementName(INSERT)).toMatch(/^shekara_[0-9a-f]{24}$/);
  });

  it('passes errors through (a constraint violation is not "database unavailable")', async () => {
    await expect(prepared(ds, `INSERT INTO t (id, v) VALUES ($1, NULL)`, [200])).rejects.toMatchObject({ code: '23502' });
  });

  describe('keyLookupTransaction', () => {
    it('sends `first` with the BEGIN, runs prepared statements with their generic plans kept and key lookups only, and commits', async () => {
      const settings = await keyLookupTransaction(ds, { durable: true, first: `SELECT 41 + 1 AS answer` }, async (tx, first) => {
        expect(first).toEqual([{ answer: 42 }]);
        await tx.query(INSERT, [[300], ['in tx']]);
        return tx.query<{ name: string; setting: string }>(
          `SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name`,
          [['enable_hashjoin', 'enable_mergejoin', 'enable_seqscan', 'jit', 'plan_cache_mode', 'synchronous_commit']],
        );
      });
      expect(Object.fromEntries(settings.map((x) => [x.name, x.setting]))).toEqual({
        enable_hashjoin: 'off',
        enable_mergejoin: 'off',
        enable_seqscan: 'off',
        jit: 'off',
        plan_cache_mode: 'force_generic_plan',
        synchronous_commit: 'on',
      });
      expect(await prepared(ds, `SELECT v FROM t WHERE id = $1`, [300])).toEqual([{ v: 'in tx' }]);
      // The settings were the transaction's own.
      expect(await prepared(ds, `SELECT current_setting('enable_seqscan') AS s`, [])).toEqual([{ s: 'on' }]);
    });

    it('compiles nothing: a scan the settings disable costs 10^10, which would JIT-compile the statement at every run', async () => {
      // The server's defaults (jit on above a cost of 100,000) with the scans disabled: compiled.
      const probe = `EXPLAIN (ANALYZE, FORMAT JSON) SELECT NOT EXISTS (SELECT 1 FROM t WHERE v IS NULL) AS none`;
      const jitOf = (rows: Array<Record<string, unknown>>) => (rows[0]['QUERY PLAN'] as Array<Record<string, unknown>>)[0].JIT;
      const jitAvailable = (await prepared<{ a: boolean }>(ds, `SELECT pg_jit_available() AS a`, []))[0].a;
      if (jitAvailable) {
        const compiled = await ds.transaction(async (m) => {
          await m.query(`SET LOCAL jit = on; SET LOCAL jit_above_cost = 100000; SET LOCAL enable_seqscan = off`);
          return jitOf(await m.query(probe));
        });
        expect(compiled).toBeDefined();
      }
      // In a key-lookup transaction: not.
      expect(jitOf(await keyLookupTransaction(ds, { durable: true }, (tx) => tx.query(probe, [])))).toBeUndefined();
    });

    it('does not wait for the WAL flush when not durable, and rolls everything back on a failure', async () => {
      await expect(
        keyLookupTransaction(ds, { durable: false }, async (tx) => {
          expect(await tx.query(`SELECT current_setting('synchronous_commit') AS s`, [])).toEqual([{ s: 'off' }]);
          await tx.query(INSERT, [[301], ['rolled back']]);
          throw new Error('fail');
        }),
      ).rejects.toThrow('fail');
      expect(await prepared(ds, `SELECT v FROM t WHERE id = $1`, [301])).toEqual([]);
    });
  });

  describe('KeyLookupPool', () => {
    const SETTINGS = `SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[]) ORDER BY name`;
    const NAMES = ['enable_bitmapscan', 'enable_hashjoin', 'enable_mergejoin', 'enable_seqscan', 'jit', 'plan_cache_mode', 'synchronous_commit'];

    it('runs each statement alone (committed at once), prepared once per connection, with the key-lookup settings as the session\'s own', async () => {
      const pool = new KeyLookupPool(url, { durable: true, max: 1, applicationName: 'prep-test' });
      try {
        for (let i = 400; i < 405; i++) expect(await pool.query<{ id: number }>(INSERT, [[i], [`pool ${i}`]])).toEqual([{ id: i }]);
        // Committed: another connection sees the rows.
        expect(await prepared(ds, `SELECT count(*)::int AS n FROM t WHERE id BETWEEN 400 AND 404`, [])).toEqual([{ n: 5 }]);
        const settings = await pool.query<{ name: string; setting: string }>(SETTINGS, [NAMES]);
        expect(Object.fromEntries(settings.map((x) => [x.name, x.setting]))).toEqual({
          enable_bitmapscan: 'off',
          enable_hashjoin: 'off',
          enable_mergejoin: 'off',
          enable_seqscan: 'off',
          jit: 'off',
          plan_cache_mode: 'force_generic_plan',
          synchronous_commit: 'on',
        });
        const runs = await pool.query<{ runs: string }>(`SELECT (generic_plans + custom_plans)::text AS runs FROM pg_prepared_statements WHERE name = $1`, [statementName(INSERT)]);
        expect(runs).toEqual([{ runs: '5' }]);
        // No transaction is left open between statements: each has its own.
        const [a] = await pool.query<{ x: string }>(`SELECT txid_current()::text AS x`, []);
        const [b] = await pool.query<{ x: string }>(`SELECT txid_current()::text AS x`, []);
        expect(a.x).not.toBe(b.x);
      } finally {
        await pool.end();
      }
    });

    it('does not wait for the WAL flush when not durable; a statement error leaves the pool usable', async () => {
      const pool = new KeyLookupPool(url, { durable: false, max: 1, applicationName: 'prep-test' });
      try {
        expect(await pool.query(`SELECT current_setting('synchronous_commit') AS s`, [])).toEqual([{ s: 'off' }]);
        await expect(pool.query(`INSERT INTO t (id, v) VALUES ($1, NULL)`, [410])).rejects.toMatchObject({ code: '23502' });
        expect(await pool.query(INSERT, [[411], ['after an error']])).toEqual([{ id: 411 }]);
      } finally {
        await pool.end();
      }
    });

    it('opens a new connection when the server ended its connection', async () => {
      const pool = new KeyLookupPool(url, { durable: true, max: 1, applicationName: 'prep-test-killed' });
      try {
        // Several times: the server's FATAL error can reach the statement before the socket's end
        // reaches the client (about one time in three here), and such a connection must not go back
        // to the pool to fail the next statement too.
        for (let round = 0; round < 10; round++) {
          const [{ pid }] = await pool.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`, []);
          await prepared(ds, `SELECT pg_terminate_backend($1::int)`, [pid]);
          for (let i = 0; i < 100 && (await prepared(ds, `SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid])).length; i++) await new Promise((r) => setTimeout(r, 20));
          // The dead connection fails at most one statement, and is then replaced.
          await pool.query(`SELECT 1`, []).catch(() => undefined);
          const [{ pid: next }] = await pool.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`, []);
          expect(next).not.toBe(pid);
        }
        expect(await pool.query(INSERT, [[420], ['reconnected']])).toEqual([{ id: 420 }]);
      } finally {
        await pool.end();
      }
    });
  });
});

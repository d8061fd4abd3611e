import type { DataSource } from 'typeorm';
import { runNamed } from './prepared';
import type { PgClient } from './prepared';

/** A transaction opened by `keyLookupTransaction`. */
export interface KeyLookupTx {
  /** Runs `text` as a named prepared statement (its generic plan kept) in the transaction. */
  query<T = Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]>;
}

export interface KeyLookupOptions {
  /**
   * false: the commit does not wait for the WAL flush. Only for transactions that record what can
   * be derived again (lost with a crash of the server, the work is redone harmlessly); a later
   * synchronous commit flushes it anyway.
   */
  durable: boolean;
  /** A statement without parameters sent with the BEGIN, in the same round trip; its rows go to `work`. */
  first?: string;
}

/**
 * The planner settings of key-lookup statements: nested loops over index lookups only, and the
 * generic plan of every prepared statement kept. A key-lookup transaction sets them locally; a
 * `KeyLookupPool`'s connections have them as their own.
 * No JIT: a plan that still needs a scan (a trigger's probe of a small table) carries the
 * disabling cost of 10^10, far above jit_above_cost, and was compiled at every execution: 30-50 ms
 * of server CPU a statement, half of PostgreSQL's CPU at saturation (pg_stat_statements' jit_*).
 */
export const KEY_LOOKUP_SETTINGS: Readonly<Record<string, string>> = {
  enable_seqscan: 'off',
  enable_bitmapscan: 'off',
  enable_hashjoin: 'off',
  enable_mergejoin: 'off',
  plan_cache_mode: 'force_generic_plan',
  jit: 'off',
};

const KEY_LOOKUPS_ONLY = Object.entries(KEY_LOOKUP_SETTINGS).map(([name, value]) => `SET LOCAL ${name} = ${value}`);

/**
 * A transaction for the hot batch statements of the exchange, whose every table is reached by a key
 * from a batch of at most a few hundred rows. Their plans are then index lookups in nested loops
 * at any table size, so each statement is prepared once per connection and its generic plan kept:
 * planning them cost more than running them. Outside such a transaction a kept generic plan is not
 * safe (one made while a table was small scans the whole table as it grows, until the next
 * ANALYZE).
 *
 * Round trips: the BEGIN with its settings (and `first`), one per statement, the COMMIT. On any
 * failure the transaction is rolled back; a connection that broke is dropped by the pool.
 */
export async function keyLookupTransaction<T>(ds: DataSource, options: KeyLookupOptions, work: (tx: KeyLookupTx, firstRows: unknown[]) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  const client = (await runner.connect()) as PgClient;
  let open = false;
  try {
    open = true;
    const opening = ['BEGIN', ...(options.durable ? [] : ['SET LOCAL synchronous_commit = off']), ...KEY_LOOKUPS_ONLY, ...(options.first ? [options.first] : [])];
    const results = (await client.query(opening.join(';\n'))) as { rows: unknown[] }[];
    const tx: KeyLookupTx = { query: <R>(text: string, values: unknown[]) => runNamed<R>(client, text, values) };
    const result = await work(tx, options.first ? results[results.length - 1].rows : []);
    await client.query('COMMIT');
    open = false;
    return result;
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }
}

import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import { runNamed } from './prepared';
import type { PgClient } from './prepared';
import { KEY_LOOKUP_SETTINGS } from './key-lookup-transaction';
import type { KeyLookupTx } from './key-lookup-transaction';

export interface KeyLookupPoolOptions {
  /**
   * false: commits do not wait for the WAL flush. Only for statements recording what can be derived
   * again (lost with a crash of the server, the work is redone harmlessly); a later synchronous
   * commit flushes them anyway.
   */
  durable: boolean;
  /** Connections at most (opened when needed, closed after a few idle seconds). */
  max: number;
  /** Shown in pg_stat_activity. */
  applicationName: string;
}

/**
 * The libpq `options` of a key-lookup connection: the settings of a key-lookup transaction as the
 * session's own (and, unless durable, commits that do not wait for the WAL flush).
 */
export function keyLookupSessionOptions(durable: boolean): string {
  const settings = { ...KEY_LOOKUP_SETTINGS, ...(durable ? {} : { synchronous_commit: 'off' }) };
  return Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
}

/**
 * Connections of their own for the hot statements of the exchange that reach every table by a key
 * from a batch (see `keyLookupTransaction`), each run as ONE round trip in its own implicit
 * transaction. The planner settings of a key-lookup transaction (index lookups in nested loops,
 * generic plans kept) are the sessions' own, given at connection start, so a statement needs no
 * BEGIN, SET LOCAL or COMMIT of its own: on this machine a round trip costs more than such a
 * statement. Statements are named prepared statements (once per connection).
 *
 * Only for statements that are safe alone: each one is atomic, and a caller that runs several
 * must be right if it stops between them (idempotent steps).
 */
export class KeyLookupPool implements KeyLookupTx {
  private readonly pool: Pool;

  constructor(url: string, options: KeyLookupPoolOptions) {
    this.pool = new Pool({
      connectionString: url,
      max: options.max,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 3000,
      application_name: options.applicationName,
      options: keyLookupSessionOptions(options.durable),
    });
    // A connection the server dropped: its statement (if any) fails, the pool discards it and the
    // next statement opens another. Unlistened, the client's 'error' event would end the process.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  /** Runs one statement (a named prepared statement) in its own implicit transaction. */
  async query<T = Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]> {
    const client: PoolClient = await this.pool.connect();
    try {
      return await runNamed<T>(client as unknown as PgClient, text, values);
    } finally {
      // A client whose connection broke is not queryable: the pool discards it on release.
      client.release();
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

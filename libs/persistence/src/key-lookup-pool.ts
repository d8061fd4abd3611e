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
 * BEGIN, SET LOCAL or COMMIT of its own: a round trip can cost more than such a statement
 * (docs/adr/0004-key-lookup-statements.md). Statements are named prepared statements (once per
 * connection).
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
    let broken: Error | undefined;
    try {
      return await runNamed<T>(client as unknown as PgClient, text, values);
    } catch (err) {
      if (connectionBroken(err)) broken = err as Error;
      throw err;
    } finally {
      // A connection that broke is discarded now: the server's FATAL error (the connection ended by
      // an administrator, a restart) can reach the statement before the socket's end reaches the
      // client, which would otherwise go back to the pool and fail the next statement too.
      client.release(broken);
    }
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Whether an error leaves the connection unusable: anything but an ordinary SQL error on a live
 * connection (a socket error, a FATAL or PANIC, a connection exception (class 08) or an operator
 * intervention ending the session (57P01-57P03)). A statement's own error (a constraint, a bad
 * value) keeps the connection.
 */
export function connectionBroken(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown } | null | undefined;
  const sqlState = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string' ? e.code : undefined;
  if (!sqlState) return true;
  return e!.severity === 'FATAL' || e!.severity === 'PANIC' || sqlState.startsWith('08') || sqlState.startsWith('57P');
}

import { Client } from 'pg';

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function quoteIdent(name: string): string {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}

/** Creates the database named in url if it does not exist (connects to the "postgres" database). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((e: { code?: string }) => {
        if (e.code !== '42P04' && e.code !== '23505') throw e; // created concurrently
      });
    }
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const admin = new Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

// 53300: the server has no connection slot left (max_connections): away for us as much as a crash.
const UNAVAILABLE_CODES = new Set(['53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);

/**
 * TypeORM releases a transaction's query runner when its connection reports an error (the server
 * terminated it, the socket closed); the transaction's next query, or its COMMIT, then throws one of
 * these instead of the connection error. Our code never reuses a query runner it released itself,
 * so they mean the same.
 */
const RELEASED_BY_CONNECTION_ERROR = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);

/** True when the error means "the database is away" (not "the query is wrong"). */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const x = e as { code?: string; name?: string; message?: string; driverError?: unknown; cause?: unknown };
    if (x.code && UNAVAILABLE_CODES.has(x.code)) return true;
    if (x.name && RELEASED_BY_CONNECTION_ERROR.has(x.name)) return true;
    if (/Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Client was closed|terminating connection|too many clients|remaining connection slots are reserved/i.test(x.message ?? '')) return true;
    e = x.driverError ?? x.cause;
  }
  return false;
}

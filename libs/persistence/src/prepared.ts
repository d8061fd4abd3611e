import { createHash } from 'node:crypto';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** The part of a pg client (a connection of TypeORM's pool) the statements here need. */
export interface PgClient {
  query(q: string | { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] } | { rows: unknown[] }[]>;
}

/** Runs `text` on `client` as the named prepared statement of that text. */
export async function runNamed<T>(client: PgClient, text: string, values: unknown[]): Promise<T[]> {
  return ((await client.query({ name: statementName(text), text, values })) as { rows: unknown[] }).rows as T[];
}

const names = new Map<string, string>();

/**
 * The name of a statement's text: derived from the text itself, so two call sites with the same
 * text share one prepared statement and two texts never share a name (the pg client refuses to
 * prepare a name again with other text).
 */
export function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `shekara_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs `text` as a named prepared statement: the server parses and plans it once per connection
 * (and, after a few executions, keeps a generic plan), instead of on every execution as an unnamed
 * statement. For the hot statements of the exchange, whose CTEs cost more to plan than to run.
 *
 * Only for statements whose best plan cannot depend on the size of a table: rows inserted from
 * parameters (jsonb_to_recordset, unnest), conflicts found by a unique index, CTE results joined to
 * each other. A generic plan is made once, from the statistics of that moment, and kept until the
 * next ANALYZE: a statement that looks rows up in a table (UPDATE … FROM unnest(…), id = ANY(…))
 * would keep a sequential scan planned while the table was small as the table grows. Those run in
 * a `keyLookupTransaction`, or stay unnamed and are planned with their parameters every time.
 *
 * `on` is a transaction's EntityManager (the statement runs on that transaction's connection) or a
 * DataSource (on a connection of the pool, in its own implicit transaction). `text` must be
 * constant for a call site: never interpolate values into it.
 */
export async function prepared<T = Record<string, unknown>>(on: EntityManager | DataSource, text: string, values: unknown[]): Promise<T[]> {
  const runner = 'createQueryRunner' in on ? undefined : on.queryRunner;
  if (runner) {
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    return runNamed<T>((await runner.connect()) as PgClient, text, values);
  }
  const own = ('createQueryRunner' in on ? on : on.dataSource).createQueryRunner();
  try {
    return await runNamed<T>((await own.connect()) as PgClient, text, values);
  } finally {
    await own.release();
  }
}

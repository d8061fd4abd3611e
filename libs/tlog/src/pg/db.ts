import type { Pool } from 'pg';
import type { EntityManager } from 'typeorm';

/** Runs SQL and returns the rows. */
export type Query = <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;

/** The log's access to PostgreSQL: plain queries and transactions, over a pg Pool or TypeORM. */
export interface TlogDb {
  query: Query;
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
}

export function poolDb(pool: Pool): TlogDb {
  return {
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(async (sql, params) => (await client.query(sql, params)).rows);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw e;
      } finally {
        client.release(broken);
      }
    },
  };
}

/** TypeORM's EntityManager.query returns the rows of a SELECT or RETURNING. */
export function entityManagerDb(manager: EntityManager): TlogDb {
  return {
    query: (sql, params) => manager.query(sql, params),
    transaction: (fn) => manager.transaction((m) => fn((sql, params) => m.query(sql, params))),
  };
}

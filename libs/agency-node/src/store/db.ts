import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/*
 * The node's SQL lives in the stores of this folder, one per concern; nothing else of the node
 * reaches PostgreSQL. There are four ways to reach it, each for one purpose:
 *
 * - TypeORM `DataSource`/`EntityManager` (the pool of the data source, `agencyNodeDataSource`):
 *   the duty desk's listings and views, drafts, notifications, dead letters, maintenance, health,
 *   and the transactions of use cases that write in several statements (opening a message, a dead
 *   letter). Migrations run on it.
 * - `prepared()` (@shekara/persistence) on that DataSource or a transaction's EntityManager: the hot
 *   writes sent as named prepared statements (a report sent, reports received, outbox rows, audit
 *   rows with their ledger events), whose plans PostgreSQL keeps per connection.
 * - `KeyLookupPool` / `keyLookupTransaction` (@shekara/persistence): statements that reach every
 *   table by key, run with settings that keep their plans: recording receipts (`ReceiptsStore`,
 *   durable commits: the bus is acked after) and the relay's claims and publication outcomes
 *   (`OutboxStore`, derived state: commits that do not wait for the WAL flush).
 * - a raw `pg.Client`: `LISTEN shekara_outbox` (`OutboxStore.listen`), a connection of its own.
 */

/** The node's database as a whole: its reachability and server settings. */
@Injectable()
export class DatabaseProbe {
  constructor(private readonly ds: DataSource) {}

  /** Resolves when PostgreSQL answers (readiness). */
  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }

  /** Whether the server runs autovacuum. */
  async autovacuum(): Promise<boolean> {
    const [{ autovacuum }] = await this.ds.query<{ autovacuum: string }[]>(`SELECT current_setting('autovacuum') AS autovacuum`);
    return autovacuum === 'on';
  }
}

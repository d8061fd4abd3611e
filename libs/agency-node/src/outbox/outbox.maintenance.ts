import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NODE_CONFIG } from '../tokens';
import type { AgencyNodeConfig } from '../config';

/**
 * Vacuums the outbox where the database server does not.
 *
 * The outbox is a queue: each row is written, updated once or twice and done within seconds, and
 * each update leaves behind an entry in the due index that only VACUUM removes. The relay's claim
 * reads that index from its start, so on a server that never vacuums every claim walks the entries
 * of every row ever written (31 ms per claim at 500k rows, growing without bound), and the node's
 * tables have no statistics for the plans of the queries that are not key lookups (the lists of
 * the duty desk). Autovacuum does this work, with the outbox's own thresholds (its migration); on
 * a server running without it (`autovacuum = off`, as some CI machines do) the node vacuums its
 * outbox and analyzes its tables itself every OUTBOX_VACUUM_MS, and says so at boot.
 */
@Injectable()
export class OutboxMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('OutboxMaintenance');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly ds: DataSource,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.outbox.vacuumMs;
    if (!every) return;
    const [{ autovacuum }] = await this.ds.query<{ autovacuum: string }[]>(`SELECT current_setting('autovacuum') AS autovacuum`);
    if (autovacuum === 'on') return;
    this.log.warn({ msg: 'autovacuum is off on this PostgreSQL server: the node vacuums its outbox and analyzes its tables itself', everyMs: every });
    this.timer = setInterval(() => void this.run(), every);
    this.timer.unref();
  }

  /** One round (at most one at a time); resolves when it is over. */
  run(): Promise<void> {
    this.running ??= this.maintain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async maintain(): Promise<void> {
    try {
      // VACUUM runs outside a transaction (a pool connection in autocommit): it takes no lock that
      // writers or the relay wait for.
      await this.ds.query('VACUUM (ANALYZE) outbox');
      await this.ds.query('ANALYZE messages, message_recipients, audit_log');
    } catch (err) {
      this.log.warn({ msg: 'outbox maintenance failed; will retry', error: (err as Error).message });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

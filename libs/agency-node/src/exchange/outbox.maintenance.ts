import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@shekara/common';
import { DatabaseProbe, OutboxStore } from '../store';
import { NODE_CONFIG } from '../core';
import type { AgencyNodeConfig } from '../core';

/**
 * Keeps the outbox small: deletes the rows done more than OUTBOX_RETENTION_DAYS ago (every
 * OUTBOX_PRUNE_MS), and vacuums it where the database server does not.
 *
 * A done row is of no further use to the relay (it only reads rows not done) and what it held stays
 * elsewhere: the message with its signed envelope, the recipients' statuses and the audit log in the
 * node's tables, the events in the ledger. Kept for ever, they would grow the table by every report's
 * envelope, receipts and audit events (a copy of the signed envelope each) for the node's life.
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
  private pruneTimer?: NodeJS.Timeout;
  private pruning?: Promise<number>;
  private stopped = false;
  /** Rows deleted by one statement (a short transaction; a round loops until fewer are left). */
  static readonly PRUNE_BATCH = 5000;

  constructor(
    private readonly store: OutboxStore,
    private readonly db: DatabaseProbe,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: AgencyNodeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.outbox.retentionDays) {
      this.pruneTimer = setInterval(() => void this.prune(), this.config.outbox.pruneMs);
      this.pruneTimer.unref();
    }
    const every = this.config.outbox.vacuumMs;
    if (!every) return;
    if (await this.db.autovacuum()) return;
    if (!this.config.maintenanceDatabaseUrl) {
      this.log.warn({ msg: 'autovacuum is off on this PostgreSQL server and no DATABASE_MAINTENANCE_URL is given: nothing vacuums the outbox (turn autovacuum on, or give the owner URL for this round)' });
      return;
    }
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
      await this.store.vacuum();
    } catch (err) {
      this.log.warn({ msg: 'outbox maintenance failed; will retry', error: (err as Error).message });
    }
  }

  /**
   * Deletes the rows done before OUTBOX_RETENTION_DAYS ago, oldest first, PRUNE_BATCH per statement
   * (at most one round at a time); resolves with how many went.
   */
  prune(): Promise<number> {
    this.pruning ??= this.pruneDone().finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private async pruneDone(): Promise<number> {
    const days = this.config.outbox.retentionDays;
    if (!days) return 0;
    const before = new Date(this.clock.nowMs() - days * 86_400_000);
    let deleted = 0;
    try {
      while (!this.stopped) {
        const n = await this.store.pruneDone(before, OutboxMaintenance.PRUNE_BATCH);
        deleted += n;
        if (n < OutboxMaintenance.PRUNE_BATCH) break;
      }
      if (deleted) this.log.log({ msg: 'done outbox rows deleted', rows: deleted, doneBefore: before.toISOString() });
    } catch (err) {
      this.log.warn({ msg: 'deleting done outbox rows failed; will retry', deleted, error: (err as Error).message });
    }
    return deleted;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await Promise.all([this.running, this.pruning]);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox is a queue: rows are inserted, updated a few times and done within seconds. The due
 * index now matches the relay's ORDER BY (next_attempt_at, id), so a pass reads its LIMIT off the
 * index and stops, and index entries of rows already done are skipped (and marked dead) on the way
 * instead of a bitmap scan visiting every one of them until the next vacuum. Autovacuum runs after a
 * fixed number of changed rows, not a fraction of an ever-growing table.
 */
export class OutboxQueue1764100000000 implements MigrationInterface {
  name = 'OutboxQueue1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX outbox_due`);
    await q.query(`CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE done_at IS NULL`);
    await q.query(
      `ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                               autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)`);
    await q.query(`DROP INDEX outbox_due`);
    await q.query(`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE done_at IS NULL`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A dead letter is now kept under the dead-letter stream and sequence of the message consumed
 * (source_stream, source_seq: JetStream's metadata), not under the original position its headers
 * state, so a forged entry cannot suppress a real one. The original position is kept beside it, as
 * the transport's headers state it (descriptive; null for rows from before).
 */
export class DeadLetterOrigin1765200000000 implements MigrationInterface {
  name = 'DeadLetterOrigin1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters ADD COLUMN original_stream text, ADD COLUMN original_seq bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters DROP COLUMN original_stream, DROP COLUMN original_seq`);
  }
}

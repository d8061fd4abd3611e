import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages whose stored row does not say what their signed envelope says (found when a desk opens
 * one, or by the periodic scrub): the admin's list of integrity failures. A message found again
 * keeps its first detection and gets its latest fields.
 */
export class MessageIntegrity1765100000000 implements MigrationInterface {
  name = 'MessageIntegrity1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE message_integrity_failures (
         message_id  uuid PRIMARY KEY,
         fields      text[] NOT NULL,
         found_by    text NOT NULL CHECK (found_by IN ('open', 'scrub')),
         detected_at timestamptz NOT NULL,
         last_seen_at timestamptz NOT NULL
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE message_integrity_failures');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Envelopes are signed by the outbox relay, a batch at a time (one Ed25519 signature over a Merkle
 * root, an inclusion proof per message): an outbox row may hold the unsigned envelope and the unit
 * that must sign it; the signed bytes are kept once made (re-sends publish the same bytes), and the
 * sent message's `signed` proof is filled in by the relay.
 */
export class BatchSigning1764000000000 implements MigrationInterface {
  name = 'BatchSigning1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ALTER COLUMN signed DROP NOT NULL`);
    await q.query(`ALTER TABLE outbox ADD COLUMN signing_unit text, ADD COLUMN signed bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE outbox SET payload = signed WHERE signed IS NOT NULL`);
    await q.query(`ALTER TABLE outbox DROP COLUMN signing_unit, DROP COLUMN signed`);
    await q.query(`ALTER TABLE messages ALTER COLUMN signed SET NOT NULL`);
  }
}

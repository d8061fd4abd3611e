import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Handover acts (clause 9.6) are messages: the proposal and every later step are rows of `messages`
 * (each with its signed envelope), the steps correlated with the act by `correlation_id` (the act's
 * id, the proposal's message id). These indexes find an act's steps and a unit's acts.
 */
export class HandoverActs1766300000000 implements MigrationInterface {
  name = 'HandoverActs1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_handover_steps ON messages (correlation_id) WHERE kind LIKE 'HANDOVER\\_%'`);
    await q.query(`CREATE INDEX messages_handover_acts ON messages (created_at DESC) WHERE kind = 'HANDOVER_PROPOSAL'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_handover_acts`);
    await q.query(`DROP INDEX messages_handover_steps`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Hit decisions received are found by the message they are about (their correlation id). */
export class HitDecisions1766600000000 implements MigrationInterface {
  name = 'HitDecisions1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_hit_decisions ON messages (correlation_id) WHERE kind = 'HIT_DECISION'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_hit_decisions`);
  }
}

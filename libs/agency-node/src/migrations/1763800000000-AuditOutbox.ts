import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox also carries audit events for the supervisor ledger. */
export class AuditOutbox1763800000000 implements MigrationInterface {
  name = 'AuditOutbox1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('ENVELOPE', 'RECEIPT', 'AUDIT'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM outbox WHERE kind = 'AUDIT'`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('ENVELOPE', 'RECEIPT'))`);
  }
}

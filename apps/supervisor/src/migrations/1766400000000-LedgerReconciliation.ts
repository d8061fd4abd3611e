import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics reconciliation in the ledger (clause 9.3): a STATISTICS report's signed figures and
 * explanations, and the persons a HANDOVER_ACCEPTANCE accepts, as the nodes' signed audit batches
 * carry them (docs/handover.md).
 */
export class LedgerReconciliation1766400000000 implements MigrationInterface {
  name = 'LedgerReconciliation1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_messages ADD COLUMN statistics jsonb, ADD COLUMN persons_accepted integer`);
    await q.query(`CREATE INDEX ledger_messages_statistics ON ledger_messages (period, sender, sent_at) WHERE kind = 'STATISTICS'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_messages_statistics`);
    await q.query(`ALTER TABLE ledger_messages DROP COLUMN persons_accepted, DROP COLUMN statistics`);
  }
}

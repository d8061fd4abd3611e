import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Handover acts in the ledger (clause 9.6): the kinds of an act's items, and the acts by handover time. */
export class LedgerHandovers1766300000000 implements MigrationInterface {
  name = 'LedgerHandovers1766300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_messages ADD COLUMN items text[]`);
    await q.query(`CREATE INDEX ledger_messages_handed ON ledger_messages (event_at) WHERE kind = 'HANDOVER_PROPOSAL'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_messages_handed`);
    await q.query(`ALTER TABLE ledger_messages DROP COLUMN items`);
  }
}

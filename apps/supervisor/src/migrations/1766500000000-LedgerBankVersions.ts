import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data bank versions in the ledger (clause 5.5 contributions): one row per signed SENT event of kind
 * BANK_VERSION a node sent (audit-event.ts), insert-only like the ledger's other facts.
 */
export class LedgerBankVersions1766500000000 implements MigrationInterface {
  name = 'LedgerBankVersions1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_bank_versions (
        event_id    text PRIMARY KEY,
        record_id   text NOT NULL,
        agency      text NOT NULL,
        contributor text NOT NULL,
        at          timestamptz NOT NULL,
        period      text NOT NULL,
        kind        text NOT NULL,
        action      text NOT NULL,
        source      text,
        summary     text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_bank_versions_period ON ledger_bank_versions (period, agency)`);
    await q.query(`CREATE INDEX ledger_bank_versions_source ON ledger_bank_versions (source) WHERE source IS NOT NULL`);
    await q.query(`CREATE TRIGGER ledger_bank_versions_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_bank_versions FOR EACH STATEMENT EXECUTE FUNCTION ledger_insert_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_bank_versions`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

const FACTS = ['ledger_messages', 'ledger_events', 'ledger_rejects', 'escalations'];

/**
 * The ledger's facts (messages, events, refused batches, escalations) are insert-only: besides the
 * app role's privileges (SUPERVISOR_APP_PRIVILEGES grants no UPDATE or DELETE), a trigger refuses
 * updates, deletes and truncation to every role (only the owner or a superuser could disable it), as the node's
 * audit_log and transparency log do.
 */
export class LedgerInsertOnly1766100000000 implements MigrationInterface {
  name = 'LedgerInsertOnly1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION ledger_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is insert-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const t of FACTS) await q.query(`CREATE TRIGGER ${t}_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION ledger_insert_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of FACTS) await q.query(`DROP TRIGGER IF EXISTS ${t}_insert_only ON ${t}`);
    await q.query('DROP FUNCTION IF EXISTS ledger_insert_only()');
  }
}

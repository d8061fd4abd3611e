import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signed bytes of every receipt the node received, written in the statement that records the
 * receipt (RECORD_RECEIPTS), so a process killed between that commit and the receipt's append to the
 * transparency log appends it at its next start (LogStore.appendUnlogged), as it does for messages
 * and sent receipts. Insert-only (the app role may only insert; a trigger refuses the rest).
 */
export class ReceivedReceipts1766110000000 implements MigrationInterface {
  name = 'ReceivedReceipts1766110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE received_receipts (receipt_id text PRIMARY KEY, signed bytea NOT NULL, received_at timestamptz NOT NULL)`);
    await q.query(`CREATE FUNCTION received_receipts_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is insert-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER received_receipts_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON received_receipts FOR EACH STATEMENT EXECUTE FUNCTION received_receipts_insert_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE received_receipts');
    await q.query('DROP FUNCTION received_receipts_insert_only()');
  }
}

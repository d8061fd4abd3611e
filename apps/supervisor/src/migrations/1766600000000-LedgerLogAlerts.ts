import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fork alerts of the agencies' transparency logs as the ledger keeps them (issue #17 item 2): from
 * the signed audit events of a TLOG_FORK_ALERT message — SENT by the witness's node, RECEIVED by
 * the node whose log forked. Insert-only like the other facts.
 */
export class LedgerLogAlerts1766600000000 implements MigrationInterface {
  name = 'LedgerLogAlerts1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_log_alerts (
        event_id text PRIMARY KEY,
        message_id text NOT NULL,
        action text NOT NULL,
        node text NOT NULL,
        sender text NOT NULL,
        recipients text[] NOT NULL,
        reason text NOT NULL,
        summary text NOT NULL,
        at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_log_alerts_at ON ledger_log_alerts (recorded_at DESC)`);
    await q.query(`CREATE TRIGGER ledger_log_alerts_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_log_alerts FOR EACH STATEMENT EXECUTE FUNCTION ledger_insert_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_log_alerts`);
  }
}

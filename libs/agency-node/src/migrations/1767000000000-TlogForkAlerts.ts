import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fork alerts of the transparency log (issue #17 item 2): `tlog_alerts` keeps, insert-only, every
 * alert this node raised as a witness (`role` 'witness': another agency's log forked) and every
 * alert a witness sent it about its own log (`role` 'accused', with the signed envelope). The
 * outbox carries the alert envelope as kind 'ALERT' (published once, like a bank version).
 */
export class TlogForkAlerts1767000000000 implements MigrationInterface {
  name = 'TlogForkAlerts1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tlog_alerts (
        id uuid PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        -- SHA-256 of the witness, origin, reason and both checkpoints: one alert per evidence.
        fingerprint text NOT NULL UNIQUE,
        role text NOT NULL CHECK (role IN ('witness', 'accused')),
        origin text NOT NULL,
        witness text NOT NULL,
        reason text NOT NULL,
        proven boolean NOT NULL,
        known text NOT NULL,
        presented text NOT NULL,
        old_size bigint NOT NULL,
        proof text[] NOT NULL,
        detected_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        signed bytea
      )`);
    await q.query(`CREATE TRIGGER tlog_alerts_insert_only BEFORE UPDATE OR DELETE OR TRUNCATE ON tlog_alerts FOR EACH STATEMENT EXECUTE FUNCTION tlog_insert_only()`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('ENVELOPE', 'RECEIPT', 'AUDIT', 'BANK', 'ALERT'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM outbox WHERE kind = 'ALERT'`);
    await q.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check`);
    await q.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('ENVELOPE', 'RECEIPT', 'AUDIT', 'BANK'))`);
    await q.query(`DROP TABLE tlog_alerts`);
  }
}

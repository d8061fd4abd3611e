import type { MigrationInterface, QueryRunner } from 'typeorm';
import { USERS_TABLE_SQL } from '@shekara/auth';

/** The agency node's schema: users, messages, per-recipient status, outbox, dead letters, audit log. */
export class AgencyNodeInit1763700000000 implements MigrationInterface {
  name = 'AgencyNodeInit1763700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(USERS_TABLE_SQL);
    await q.query(`
      CREATE TABLE messages (
        id              uuid PRIMARY KEY,
        direction       text NOT NULL CHECK (direction IN ('OUT', 'IN')),
        kind            text NOT NULL,
        sender_unit     text NOT NULL,
        recipient_units text[] NOT NULL,
        correlation_id  text NOT NULL,
        classification  text NOT NULL,
        created_at      timestamptz NOT NULL,
        reported_at     timestamptz,
        received_at     timestamptz,
        period          text,
        event_at        timestamptz,
        confirms        uuid,
        summary         text NOT NULL DEFAULT '',
        payload         jsonb NOT NULL,
        signed          bytea NOT NULL,
        created_by      text
      )`);
    await q.query(`CREATE INDEX messages_dir_created ON messages (direction, created_at DESC)`);
    await q.query(`CREATE INDEX messages_sender ON messages (sender_unit, created_at DESC)`);
    await q.query(`CREATE INDEX messages_confirms ON messages (confirms) WHERE confirms IS NOT NULL`);
    await q.query(`
      CREATE TABLE message_recipients (
        message_id       uuid NOT NULL REFERENCES messages(id),
        unit_id          text NOT NULL,
        agency           text NOT NULL,
        status           text NOT NULL CHECK (status IN ('PENDING', 'SENT', 'DELIVERED', 'READ', 'DEAD_LETTERED')),
        sent_at          timestamptz,
        delivered_at     timestamptz,
        read_at          timestamptz,
        read_by          text,
        dead_lettered_at timestamptz,
        reason           text,
        PRIMARY KEY (message_id, unit_id)
      )`);
    await q.query(`CREATE INDEX message_recipients_unit ON message_recipients (unit_id, status)`);
    await q.query(`
      CREATE TABLE outbox (
        id              bigserial PRIMARY KEY,
        message_id      uuid NOT NULL,
        kind            text NOT NULL CHECK (kind IN ('ENVELOPE', 'RECEIPT')),
        target_agency   text NOT NULL,
        subject         text NOT NULL,
        nats_msg_id     text NOT NULL,
        payload         bytea NOT NULL,
        created_at      timestamptz NOT NULL,
        attempts        integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_published_at timestamptz,
        last_error      text,
        done_at         timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE done_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX outbox_envelope_once ON outbox (message_id, target_agency) WHERE kind = 'ENVELOPE'`);
    await q.query(`
      CREATE TABLE dead_letters (
        id              bigserial PRIMARY KEY,
        source_stream   text NOT NULL,
        source_seq      bigint NOT NULL,
        subject         text NOT NULL,
        reason          text NOT NULL,
        deliveries      integer NOT NULL,
        message_id      text,
        sender_unit     text,
        kind            text,
        raw             bytea NOT NULL,
        dead_lettered_at timestamptz NOT NULL,
        UNIQUE (source_stream, source_seq)
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL,
        actor       text NOT NULL,
        action      text NOT NULL,
        message_id  text,
        unit_id     text,
        details     jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_message ON audit_log (message_id)`);
    // The audit log is append-only: updates and deletes are refused by the database itself.
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP FUNCTION audit_log_append_only');
    await q.query('DROP TABLE dead_letters');
    await q.query('DROP TABLE outbox');
    await q.query('DROP TABLE message_recipients');
    await q.query('DROP TABLE messages');
    await q.query('DROP TABLE users');
  }
}

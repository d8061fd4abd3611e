import type { MigrationInterface, QueryRunner } from 'typeorm';
import { USERS_TABLE_SQL } from '@shekara/auth';

/**
 * The supervisor ledger's schema: the messages the nodes reported as sent (one row per message
 * id), every audit event (one row per event id), audit events that could not be accepted, the
 * escalations the scheduler raised, the ledger's version (bumped when a message is added: it keys
 * the verdict cache) and the supervisors' accounts.
 */
export class SupervisorInit1763900000000 implements MigrationInterface {
  name = 'SupervisorInit1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(USERS_TABLE_SQL);
    await q.query(`
      CREATE TABLE ledger_messages (
        id           text PRIMARY KEY,
        kind         text NOT NULL,
        sender       text NOT NULL,
        recipients   text[] NOT NULL,
        sent_at      timestamptz NOT NULL,
        reported_at  timestamptz,
        period       text,
        event_at     timestamptz,
        confirms     text,
        summary      text NOT NULL DEFAULT '',
        node         text NOT NULL,
        event_id     text NOT NULL,
        recorded_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_messages_period ON ledger_messages (kind, period)`);
    await q.query(`CREATE INDEX ledger_messages_sent ON ledger_messages (kind, sent_at)`);
    await q.query(`CREATE INDEX ledger_messages_reported ON ledger_messages (reported_at) WHERE kind = 'URGENT'`);
    await q.query(`CREATE INDEX ledger_messages_confirms ON ledger_messages (confirms) WHERE confirms IS NOT NULL`);
    await q.query(`
      CREATE TABLE ledger_events (
        event_id     text PRIMARY KEY,
        message_id   text,
        action       text NOT NULL,
        node         text NOT NULL,
        at           timestamptz NOT NULL,
        actor        text NOT NULL,
        units        text[] NOT NULL DEFAULT '{}',
        reason       text,
        recorded_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ledger_events_message ON ledger_events (message_id, at)`);
    await q.query(`
      CREATE TABLE ledger_rejects (
        id           bigserial PRIMARY KEY,
        stream       text NOT NULL,
        stream_seq   bigint NOT NULL,
        subject      text NOT NULL,
        event_id     text,
        reason       text NOT NULL,
        raw          bytea NOT NULL,
        rejected_at  timestamptz NOT NULL,
        UNIQUE (stream, stream_seq)
      )`);
    await q.query(`
      CREATE TABLE escalations (
        urgent_id    text PRIMARY KEY,
        escalated_at timestamptz NOT NULL,
        recorded_at  timestamptz NOT NULL
      )`);
    await q.query(`CREATE TABLE ledger_state (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)`);
    await q.query(`INSERT INTO ledger_state (id, version) VALUES (1, 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['ledger_state', 'escalations', 'ledger_rejects', 'ledger_events', 'ledger_messages', 'users']) await q.query(`DROP TABLE ${t}`);
  }
}

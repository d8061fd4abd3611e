import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Drafts prepared by the scheduler when a window opens, and notifications raised to units. */
export class DraftsNotifications1763900000000 implements MigrationInterface {
  name = 'DraftsNotifications1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drafts (
        id               uuid PRIMARY KEY,
        unit_id          text NOT NULL,
        kind             text NOT NULL,
        period           text NOT NULL,
        body             jsonb NOT NULL,
        created_at       timestamptz NOT NULL,
        window_opens_at  timestamptz,
        window_closes_at timestamptz,
        sent_message_id  uuid,
        UNIQUE (unit_id, kind, period)
      )`);
    await q.query(`
      CREATE TABLE notifications (
        id           uuid PRIMARY KEY,
        key          text NOT NULL UNIQUE,
        unit_id      text NOT NULL,
        type         text NOT NULL,
        obligation   text,
        period       text,
        message_id   text,
        counterparts text[] NOT NULL DEFAULT '{}',
        text         text NOT NULL,
        at           timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX notifications_unit ON notifications (unit_id, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE notifications');
    await q.query('DROP TABLE drafts');
  }
}

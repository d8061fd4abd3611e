import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications are structured: a code (the type: WINDOW_OPEN, REMINDER, MISSING, ESCALATION, and the
 * node's own URGENT_RECEIVED) and the parameters the consoles render it with in the user's language;
 * the Russian text stays for readers without them. A duty officer acknowledges one (who, when).
 */
export class NotificationsStructured1766500000000 implements MigrationInterface {
  name = 'NotificationsStructured1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notifications
        ADD COLUMN params jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN acknowledged_at timestamptz,
        ADD COLUMN acknowledged_by text`);
    // The unacknowledged ones of a unit, newest first: the desk's badge and alert.
    await q.query(`CREATE INDEX notifications_unit_open ON notifications (unit_id, at DESC) WHERE acknowledged_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notifications_unit_open`);
    await q.query(`ALTER TABLE notifications DROP COLUMN acknowledged_by, DROP COLUMN acknowledged_at, DROP COLUMN params`);
  }
}

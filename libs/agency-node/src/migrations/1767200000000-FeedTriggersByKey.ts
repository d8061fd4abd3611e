import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The feed's triggers on message_recipients (1766400000000-IntegrationClients) ran a join of the
 * statement's transition tables with `messages` that PostgreSQL planned as a scan of every message
 * (a transition table has no statistics): every receipt and every recorded publication cost the
 * database a walk of the whole table, 12.6 ms of server CPU per report at 33,000 messages in the
 * benchmark. Now a node without machine clients returns at once (one index probe), and with them
 * each changed status reaches its message by key (a LATERAL ... LIMIT 1 is not flattened into a
 * join). What the triggers write is unchanged.
 */
export class FeedTriggersByKey1767200000000 implements MigrationInterface {
  name = 'FeedTriggersByKey1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION feed_on_recipients_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM integration_clients WHERE revoked_at IS NULL) THEN RETURN NULL; END IF;
        INSERT INTO feed_events (unit_id, type, message_id, recipient_unit, status, at)
        SELECT n.unit_id, 'message', n.message_id, n.unit_id, n.status, coalesce(n.delivered_at, now()) FROM new_rows n
         WHERE n.status <> 'PENDING'
           AND EXISTS (SELECT 1 FROM integration_clients c WHERE c.revoked_at IS NULL AND c.units @> ARRAY[n.unit_id])
         ORDER BY n.message_id, n.unit_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION feed_on_recipients_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM integration_clients WHERE revoked_at IS NULL) THEN RETURN NULL; END IF;
        INSERT INTO feed_events (unit_id, type, message_id, recipient_unit, status, reason, at)
        SELECT m.sender_unit, 'status', n.message_id, n.unit_id, n.status, n.reason,
               coalesce(CASE n.status WHEN 'SENT' THEN n.sent_at WHEN 'DELIVERED' THEN n.delivered_at WHEN 'READ' THEN n.read_at
                                      WHEN 'DEAD_LETTERED' THEN n.dead_lettered_at END, now())
          FROM new_rows n JOIN old_rows o ON o.message_id = n.message_id AND o.unit_id = n.unit_id
          CROSS JOIN LATERAL (SELECT x.sender_unit FROM messages x WHERE x.id = n.message_id AND x.direction = 'OUT' LIMIT 1) m
         WHERE o.status IS DISTINCT FROM n.status
           AND EXISTS (SELECT 1 FROM integration_clients c WHERE c.revoked_at IS NULL AND c.units @> ARRAY[m.sender_unit])
         ORDER BY n.message_id, n.unit_id;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION feed_on_recipients_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO feed_events (unit_id, type, message_id, recipient_unit, status, at)
        SELECT n.unit_id, 'message', n.message_id, n.unit_id, n.status, coalesce(n.delivered_at, now()) FROM new_rows n
         WHERE n.status <> 'PENDING'
           AND EXISTS (SELECT 1 FROM integration_clients c WHERE c.revoked_at IS NULL AND c.units @> ARRAY[n.unit_id])
         ORDER BY n.message_id, n.unit_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION feed_on_recipients_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO feed_events (unit_id, type, message_id, recipient_unit, status, reason, at)
        SELECT m.sender_unit, 'status', n.message_id, n.unit_id, n.status, n.reason,
               coalesce(CASE n.status WHEN 'SENT' THEN n.sent_at WHEN 'DELIVERED' THEN n.delivered_at WHEN 'READ' THEN n.read_at
                                      WHEN 'DEAD_LETTERED' THEN n.dead_lettered_at END, now())
          FROM new_rows n JOIN old_rows o ON o.message_id = n.message_id AND o.unit_id = n.unit_id
          JOIN messages m ON m.id = n.message_id AND m.direction = 'OUT'
         WHERE o.status IS DISTINCT FROM n.status
           AND EXISTS (SELECT 1 FROM integration_clients c WHERE c.revoked_at IS NULL AND c.units @> ARRAY[m.sender_unit])
         ORDER BY n.message_id, n.unit_id;
        RETURN NULL;
      END $$`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Machine clients of the node (docs/integration.md): service accounts bound to units, and the
 * durable feed of what happens to those units.
 *
 * The feed is written by triggers on message_recipients, in the transaction of the change itself
 * (an incoming report stored, a status of a sent report changed), so no store's statement changes
 * and no event is lost or invented. Only units some open account is bound to get events. Each event
 * carries the id of the transaction that wrote it (xid8): the feed is read in (tx, seq) order and
 * only below the oldest transaction still running, so a reader never passes an event that commits
 * later with a smaller position (a cursor never skips anything).
 */
export class IntegrationClients1766400000000 implements MigrationInterface {
  name = 'IntegrationClients1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integration_clients (
        id               uuid PRIMARY KEY,
        client_id        text NOT NULL UNIQUE,
        name             text NOT NULL,
        secret_hash      bytea NOT NULL,
        units            text[] NOT NULL CHECK (cardinality(units) > 0),
        clearance        text NOT NULL,
        rate_per_minute  integer NOT NULL,
        created_at       timestamptz NOT NULL,
        created_by       text NOT NULL,
        revoked_at       timestamptz,
        acked_tx         xid8 NOT NULL DEFAULT '0',
        acked_seq        bigint NOT NULL DEFAULT 0,
        webhook_url      text,
        webhook_secret   text,
        webhook_tx       xid8 NOT NULL DEFAULT '0',
        webhook_seq      bigint NOT NULL DEFAULT 0,
        webhook_attempts integer NOT NULL DEFAULT 0,
        webhook_next_at  timestamptz,
        webhook_failed_at timestamptz,
        webhook_last_error text
      )`);
    await q.query(`CREATE INDEX integration_clients_units ON integration_clients USING gin (units) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE feed_events (
        seq            bigserial NOT NULL,
        tx             xid8 NOT NULL DEFAULT pg_current_xact_id(),
        unit_id        text NOT NULL,
        type           text NOT NULL CHECK (type IN ('message', 'status')),
        message_id     uuid NOT NULL,
        recipient_unit text,
        status         text,
        reason         text,
        at             timestamptz NOT NULL,
        PRIMARY KEY (tx, seq)
      )`);
    await q.query(`CREATE INDEX feed_events_unit ON feed_events (unit_id, tx, seq)`);
    // A report received: an event for each local recipient unit (incoming rows are inserted DELIVERED,
    // a report sent from here PENDING).
    await q.query(`
      CREATE FUNCTION feed_on_recipients_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO feed_events (unit_id, type, message_id, recipient_unit, status, at)
        SELECT n.unit_id, 'message', n.message_id, n.unit_id, n.status, coalesce(n.delivered_at, now()) FROM new_rows n
         WHERE n.status <> 'PENDING'
           AND EXISTS (SELECT 1 FROM integration_clients c WHERE c.revoked_at IS NULL AND c.units @> ARRAY[n.unit_id])
         ORDER BY n.message_id, n.unit_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER feed_recipients_insert AFTER INSERT ON message_recipients
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_on_recipients_insert()`);
    // A status of a report sent from here changed (SENT, DELIVERED, READ, DEAD_LETTERED): an event for its sender unit.
    await q.query(`
      CREATE FUNCTION feed_on_recipients_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`
      CREATE TRIGGER feed_recipients_update AFTER UPDATE ON message_recipients
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feed_on_recipients_update()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER feed_recipients_update ON message_recipients`);
    await q.query(`DROP TRIGGER feed_recipients_insert ON message_recipients`);
    await q.query(`DROP FUNCTION feed_on_recipients_update()`);
    await q.query(`DROP FUNCTION feed_on_recipients_insert()`);
    await q.query(`DROP TABLE feed_events`);
    await q.query(`DROP TABLE integration_clients`);
  }
}

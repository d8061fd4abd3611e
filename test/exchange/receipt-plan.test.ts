import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { keyLookupSessionOptions } from '@shekara/persistence';
import { RECORD_RECEIPTS } from '@shekara/agency-node';
import { TestSystem } from '../support/harness';
import { BORDER as SENDER, INTERIOR } from './fixtures';

jest.setTimeout(60_000);

/**
 * The most pages a part of a plan touched (EXPLAIN ANALYZE BUFFERS, JSON): each node counts its
 * subtree; the statement's CTEs are parts of their own.
 */
function pages(plan: any): number {
  return Math.max((plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0), ...(plan.Plans ?? []).map(pages));
}

/**
 * Recording a receipt (RECORD_RECEIPTS) moves its status on and completes the envelope it answers
 * (`completeIfAnswered`), on the key-lookup pool: settings that allow key lookups only, and a generic plan kept for the connection's life,
 * made when the tables may still be empty. The statement must reach its rows by key whatever the
 * node holds: planned as an anti-join, its check for statuses still open walked the index of every
 * message's statuses, once per receipt (the node's database spent more on recording receipts than
 * on anything else).
 */
describe('recording a receipt reaches its rows by key, however many messages the node holds', () => {
  const sys = new TestSystem();
  let client: Client;
  const answered = randomUUID();

  beforeAll(async () => {
    await sys.start(['border']);
    // A connection like those of the receipts' pool (durable, key-lookup settings).
    client = new Client({ connectionString: sys.adminUrl('border'), options: keyLookupSessionOptions(true) });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await sys.cleanup();
  });

  const seed = (from: number, n: number, status: string) =>
    client.query(
      `WITH m AS (INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, payload)
                  SELECT md5('plan' || i)::uuid, 'OUT', 'DAILY', $3, ARRAY[$4], md5('plan' || i), 'CLASSIFICATION_UNCLASSIFIED', now(), '{}'::jsonb
                    FROM generate_series($1::int, $1::int + $2::int - 1) AS i RETURNING id),
            r AS (INSERT INTO message_recipients (message_id, unit_id, agency, status) SELECT id, $4, 'interior', $5 FROM m)
       INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
       SELECT id, 'ENVELOPE', 'interior', 'plan.test', id::text, '\\x00', now(), now() + interval '1 hour' FROM m`,
      [from, n, SENDER, INTERIOR, status],
    );

  /** The statement for one delivery receipt of `id` from INTERIOR (no audit rows: none to write here). */
  const execute = (statement: string, id: string) =>
    `EXECUTE ${statement}('{${id}}', '{${INTERIOR}}', '{delivered}', '{${new Date().toISOString()}}', '{NULL}', '{NULL}', '{${randomUUID()}}', now(), '[]', '[]', '{NULL}', '{}', '{}')`;

  it('moves the status and completes the answered envelope touching a few pages, whatever the statistics the plan was made with', async () => {
    // No statistics but those this test gathers (autovacuum may be off or behind on a server).
    for (const t of ['messages', 'message_recipients', 'outbox']) await client.query(`ALTER TABLE ${t} SET (autovacuum_enabled = false)`);
    // A plan made (and kept) while the node holds next to nothing.
    await client.query(`PREPARE on_empty AS ${RECORD_RECEIPTS}`);
    await client.query(execute('on_empty', randomUUID()));

    // Then 40,000 messages, answered but for a few hundred (as a node holds them: receipts come back
    // within moments), and the one answered now. Few open statuses made the planner think a walk
    // of the index of statuses (all of it: its leading column is the unit) cheap.
    await seed(0, 40_000, 'DELIVERED');
    await seed(40_000, 300, 'SENT');
    await client.query(
      `INSERT INTO messages (id, direction, kind, sender_unit, recipient_units, correlation_id, classification, created_at, payload)
       VALUES ($1::uuid, 'OUT', 'DAILY', $2, ARRAY[$3], $1::text, 'CLASSIFICATION_UNCLASSIFIED', now(), '{}'::jsonb)`,
      [answered, SENDER, INTERIOR],
    );
    await client.query(`INSERT INTO message_recipients (message_id, unit_id, agency, status) VALUES ($1, $2, 'interior', 'SENT')`, [answered, INTERIOR]);
    await client.query(
      `INSERT INTO outbox (message_id, kind, target_agency, subject, nats_msg_id, payload, created_at, next_attempt_at)
       VALUES ($1::uuid, 'ENVELOPE', 'interior', 'plan.test', $1::text, '\\x00', now(), now() + interval '1 hour')`,
      [answered],
    );

    const run = async (statement: string) => {
      await client.query('BEGIN');
      try {
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${execute(statement, answered)}`);
        const [{ done }] = (await client.query(`SELECT count(*)::int AS done FROM outbox WHERE message_id = $1 AND done_at IS NOT NULL`, [answered])).rows;
        const [{ status }] = (await client.query(`SELECT status FROM message_recipients WHERE message_id = $1`, [answered])).rows;
        expect(status).toBe('DELIVERED');
        return { pages: pages(rows[0]['QUERY PLAN'][0].Plan), done };
      } finally {
        await client.query('ROLLBACK');
      }
    };
    // The plan kept from the empty tables; one made on the full tables without statistics (their
    // estimates are defaults: this is where a NOT EXISTS, made an anti-join, walked the whole index
    // of statuses); one made knowing the rows.
    const kept = await run('on_empty');
    await client.query(`PREPARE unanalyzed AS ${RECORD_RECEIPTS}`);
    const unanalyzed = await run('unanalyzed');
    await client.query('ANALYZE message_recipients, outbox, messages');
    const informed = await run('unanalyzed');
    for (const r of [kept, unanalyzed, informed]) {
      expect(r.done).toBe(1);
      // A few index descents (message, status, envelope): tens of pages; the whole index of statuses
      // is hundreds.
      expect(r.pages).toBeLessThan(60);
    }
  });
});

import { TestSystem, eventually } from '../support/harness';
import { INTERIOR, daily } from './fixtures';

jest.setTimeout(60_000);

/**
 * The outbox is vacuumed (and the node's tables analyzed) by the server's autovacuum, or, on a
 * server running without it, by the node itself every OUTBOX_VACUUM_MS: a queue never vacuumed
 * makes every claim of the relay walk the index entries of every row ever written.
 */
describe('outbox maintenance', () => {
  const sys = new TestSystem({ vacuumMs: 300 });
  let autovacuum: string;

  beforeAll(async () => {
    await sys.start(['border']);
    [{ autovacuum }] = await sys.sql('border', `SELECT current_setting('autovacuum') AS autovacuum`);
  });
  afterAll(() => sys.cleanup());

  const stats = () =>
    sys.sql<{ relname: string; vacuumed: boolean; analyzed: boolean }>(
      'border',
      `SELECT relname, last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed
         FROM pg_stat_user_tables WHERE relname IN ('outbox', 'messages', 'message_recipients') ORDER BY relname`,
    );

  it('without autovacuum, the node vacuums its outbox and analyzes its tables; with it, leaves them to the server', async () => {
    // Rows written and updated: dead versions in the outbox.
    const token = await sys.login('border');
    for (let i = 0; i < 3; i++) expect((await sys.api('border', 'POST', '/api/messages', { ...daily(`maintenance ${i}`), recipientUnits: [INTERIOR] }, token)).status).toBe(201);
    if (autovacuum === 'off') {
      const after = await eventually(async () => {
        const s = await stats();
        return s.every((t) => t.analyzed) && s.find((t) => t.relname === 'outbox')?.vacuumed ? s : undefined;
      }, 15_000, 'the outbox vacuumed and the tables analyzed by the node');
      expect(after.map((t) => t.relname)).toEqual(['message_recipients', 'messages', 'outbox']);
    } else {
      // Several rounds' time: none run by the node (last_vacuum is a manual VACUUM's).
      await new Promise((r) => setTimeout(r, 1500));
      expect((await stats()).find((t) => t.relname === 'outbox')?.vacuumed).toBe(false);
    }
  });
});

/**
 * Done outbox rows are deleted OUTBOX_RETENTION_DAYS after they were done (every OUTBOX_PRUNE_MS):
 * the relay never reads them again, and what they held stays in the node's tables.
 */
describe('outbox retention', () => {
  const sys = new TestSystem({ pruneMs: 300, retentionDays: 7 });

  beforeAll(async () => {
    await sys.start(['border', 'interior']);
  });
  afterAll(() => sys.cleanup());

  it('deletes the rows done before the retention, keeps the later ones and every message with its statuses', async () => {
    const token = await sys.login('border');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const sent = await sys.api('border', 'POST', '/api/messages', { ...daily(`retention ${i}`), recipientUnits: [INTERIOR] }, token);
      expect(sent.status).toBe(201);
      ids.push(sent.body.id);
    }
    // Each report's envelope (answered) and audit events (published) done at the sender.
    const rowsOf = (id: string) => sys.sql<{ kind: string; done: boolean }>('border', `SELECT kind, done_at IS NOT NULL AS done FROM outbox WHERE message_id = $1 ORDER BY id`, [id]);
    for (const id of ids) {
      await eventually(async () => {
        const rows = await rowsOf(id);
        return rows.length >= 3 && rows.every((r) => r.done) ? rows : undefined;
      }, 15_000, `the outbox rows of ${id} done`);
    }
    // Two reports' rows done 8 days ago (past the retention), the third's 6 days ago (within it).
    await sys.sql('border', `UPDATE outbox SET done_at = now() - interval '8 days' WHERE message_id = ANY($1::uuid[])`, [ids.slice(0, 2)]);
    await sys.sql('border', `UPDATE outbox SET done_at = now() - interval '6 days' WHERE message_id = $1`, [ids[2]]);
    const kept = (await rowsOf(ids[2])).length;

    await eventually(async () => ((await rowsOf(ids[0])).length + (await rowsOf(ids[1])).length === 0 ? true : undefined), 10_000, 'the aged rows deleted');
    expect(await rowsOf(ids[2])).toHaveLength(kept);
    // The messages, their delivered statuses and their audit entries stay, as the desk shows them.
    for (const id of ids) {
      const got = await sys.api('border', 'GET', `/api/messages/${id}`, undefined, token);
      expect(got.status).toBe(200);
      expect(got.body.recipients.map((r: { status: string }) => r.status)).toEqual(['DELIVERED']);
    }
    const [{ n }] = await sys.sql<{ n: number }>('border', `SELECT count(*)::int AS n FROM audit_log WHERE message_id = ANY($1::text[]) AND action IN ('sent', 'delivered')`, [ids]);
    expect(n).toBe(6);
  });
});

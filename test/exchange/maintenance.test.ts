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

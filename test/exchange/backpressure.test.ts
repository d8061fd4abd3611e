import { Client } from 'pg';
import { TestSystem, eventually } from '../support/harness';
import { INTERIOR, daily } from './fixtures';

jest.setTimeout(60_000);

/**
 * A node keeps at most 512 accepted reports waiting for their commit in memory; beyond that a send
 * is refused at once with 503 BUSY and nothing is stored. Commits are held back here by a lock on
 * the messages table taken by the test.
 */
describe('backpressure: a bounded send backlog', () => {
  const sys = new TestSystem();
  let token: string;
  const BACKLOG = 512;
  const EXTRA = 40;

  beforeAll(async () => {
    await sys.start(['border']);
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  it(`refuses sends beyond ${BACKLOG} waiting with 503 BUSY, stores exactly the others once the database moves again`, async () => {
    const marker = `bp-${Date.now()}`;
    const lock = new Client({ connectionString: sys.adminUrl('border') });
    await lock.connect();
    let released = false;
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE messages IN EXCLUSIVE MODE');
      const answers: Array<{ status: number; code?: string }> = [];
      const sends = Array.from({ length: BACKLOG + EXTRA }, (_, i) =>
        sys.api('border', 'POST', '/api/messages', { ...daily(`${marker} #${i}`), recipientUnits: [INTERIOR] }, token).then((r) => {
          const a = { status: r.status, code: r.body?.code as string | undefined };
          answers.push(a);
          return a;
        }),
      );
      // While the commits are held, only the refusals come back, and at once.
      await eventually(async () => answers.length >= EXTRA, 20_000, `${EXTRA} answers while the database is held`);
      expect(answers.slice(0, EXTRA)).toEqual(Array.from({ length: EXTRA }, () => ({ status: 503, code: 'BUSY' })));

      await lock.query('COMMIT');
      released = true;
      const all = await Promise.all(sends);
      expect(all.filter((a) => a.status === 201)).toHaveLength(BACKLOG);
      expect(all.filter((a) => a.status === 503 && a.code === 'BUSY')).toHaveLength(EXTRA);
      const [{ n }] = await sys.sql<{ n: number }>('border', `SELECT count(*)::int AS n FROM messages WHERE summary LIKE $1`, [`${marker} #%`]);
      expect(n).toBe(BACKLOG);
    } finally {
      if (!released) await lock.query('ROLLBACK').catch(() => undefined);
      await lock.end();
    }
  });
});

import { TestSystem, eventually } from '../support/harness';
import { INTERIOR, daily } from './fixtures';

jest.setTimeout(120_000);

/**
 * Many reports accepted concurrently: batches are signed, relayed, verified and stored with group
 * commit on both sides; every one must arrive exactly once, none may be dead-lettered.
 */
describe('exchange under concurrent load', () => {
  const sys = new TestSystem();
  beforeAll(() => sys.start(['border', 'interior']));
  afterAll(() => sys.cleanup());

  it('delivers 600 concurrently sent reports exactly once, with receipts, and dead-letters none', async () => {
    const token = await sys.login('border');
    const ids: string[] = [];
    const inFlight = 48;
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < 600) {
          const n = next++;
          const r = await sys.api('border', 'POST', '/api/messages', { ...daily(`Load #${n}`), recipientUnits: [INTERIOR] }, token);
          expect(r.status).toBe(201);
          ids.push(r.body.id);
        }
      }),
    );
    await eventually(
      async () => (await sys.sql('border', `SELECT count(*)::int AS n FROM message_recipients WHERE message_id = ANY($1::uuid[]) AND status = 'DELIVERED'`, [ids]))[0].n === ids.length,
      60_000,
      'every receipt',
    );
    const stored = await sys.sql('interior', `SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM messages WHERE id = ANY($1::uuid[])`, [ids]);
    expect(stored[0]).toEqual({ n: ids.length, d: ids.length });
    expect(await sys.sql('interior', `SELECT reason FROM dead_letters`)).toEqual([]);
    expect(await sys.sql('border', `SELECT reason FROM dead_letters`)).toEqual([]);
  });
});

import { ProcSystem, sleep, waitFor } from './support';
import { proposal } from '../handover/support';

jest.setTimeout(240_000);

/**
 * kill -9 in the middle of acceptances of handover acts (clause 9.6): the handing node is down
 * while the receiving node accepts a burst of acts, and the receiving node is killed mid-burst. After
 * both restart and the officers retry what got no answer, each act has exactly one acceptance on
 * both sides (no step lost, none doubled) and both sides agree it is ACCEPTED.
 */
describe('kill -9 of the nodes in the middle of handover acceptances', () => {
  const sys = new ProcSystem();
  let border: string;
  let interior: string;

  beforeAll(async () => {
    await sys.startNodes(['border', 'interior', 'customs']);
    border = await sys.login('border');
    interior = await sys.login('interior');
  });
  afterAll(async () => {
    await sys.cleanup();
  });

  it('no acceptance lost or doubled', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await sys.api('border', 'POST', '/api/handovers', proposal(), border);
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    await waitFor(async () => (await sys.sql('interior', `SELECT count(*)::int AS n FROM messages WHERE kind = 'HANDOVER_PROPOSAL'`))[0].n === ids.length || undefined, 30_000, 'proposals at interior');

    await sys.node('border').kill('SIGKILL');
    // The burst: the receiving node is killed as soon as the first acceptance is answered, the rest in flight.
    let firstAnswered!: () => void;
    const oneAnswered = new Promise<void>((resolve) => (firstAnswered = resolve));
    const first = ids.map((id) =>
      sys
        .api('interior', 'POST', `/api/handovers/${id}/accept`, { officer: 'Maj. D. Omarov' }, interior, { timeoutMs: 10_000 })
        .then((r) => (r.status === 200 && firstAnswered(), r))
        .catch((e: Error) => ({ status: 0, body: e.message, ms: 0 })),
    );
    await Promise.race([oneAnswered, sleep(10_000)]);
    await sys.node('interior').kill('SIGKILL');
    const answered = await Promise.all(first);
    await sys.node('interior').start();
    await sys.node('border').start();
    interior = await sys.login('interior');
    border = await sys.login('border');

    // The officers retry: an act accepted before the crash answers 409, one that was not is accepted now.
    for (const id of ids) {
      const r = await sys.api('interior', 'POST', `/api/handovers/${id}/accept`, { officer: 'Maj. D. Omarov' }, interior);
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.code).toBe('HANDOVER_ALREADY_DECIDED');
    }
    console.log('handover kill -9:', JSON.stringify({ answeredBeforeKill: answered.filter((a) => a.status === 200).length, failed: answered.filter((a) => a.status !== 200).length }));

    const once = async (agency: 'border' | 'interior') =>
      (await sys.sql(agency, `SELECT correlation_id AS act, count(*)::int AS n FROM messages WHERE kind = 'HANDOVER_ACCEPTANCE' GROUP BY correlation_id ORDER BY 1`)) as { act: string; n: number }[];
    const expected = [...ids].sort().map((act) => ({ act, n: 1 }));
    expect(await once('interior')).toEqual(expected);
    await waitFor(async () => JSON.stringify(await once('border')) === JSON.stringify(expected) || undefined, 60_000, 'every acceptance delivered to border once');
    for (const id of ids) {
      const [b, i] = [await sys.api('border', 'GET', `/api/handovers/${id}`, undefined, border), await sys.api('interior', 'GET', `/api/handovers/${id}`, undefined, interior)];
      expect([b.body.state, i.body.state]).toEqual(['ACCEPTED', 'ACCEPTED']);
      expect(b.body.history.map((h: { messageId: string }) => h.messageId)).toEqual(i.body.history.map((h: { messageId: string }) => h.messageId));
    }
  });
});

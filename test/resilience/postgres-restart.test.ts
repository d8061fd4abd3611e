import { PrivatePostgres } from '../support/processes';
import { MessageStream, ProcSystem, account, dailyBody, sleep, waitFor } from './support';

jest.setTimeout(240_000);

/**
 * The sender node's database runs on a private PostgreSQL (initdb in a temp dir, free port) that
 * the test stops and starts mid-stream (the recipients use the shared server). While it is away
 * the API answers 503 DATABASE_UNAVAILABLE quickly, never 500, and /health/ready is 503; accepted
 * means durable: every 201 is delivered exactly once after it comes back.
 */
describe('PostgreSQL of the sender node restarted mid-stream', () => {
  const pg = new PrivatePostgres();
  let sys: ProcSystem;
  let token: string;

  beforeAll(async () => {
    await pg.init();
    await pg.start();
    sys = new ProcSystem({ pgUrls: { border: pg.url } });
    await sys.startNodes();
    token = await sys.login('border');
  });
  afterAll(async () => {
    await sys?.cleanup();
    await pg.destroy();
  });

  /** While the database is away: the API and readiness answer 503 within a few seconds, never 500. */
  async function probeOutage(): Promise<void> {
    const send = await sys.api('border', 'POST', '/api/messages', dailyBody(0, 'probe'), token, { timeoutMs: 15_000 });
    expect({ status: send.status, code: send.body?.code }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(send.body.message).toMatch(/database is unavailable/i);
    expect(send.ms).toBeLessThan(5_000);
    const list = await sys.api('border', 'GET', '/api/messages?box=outbox', undefined, token, { timeoutMs: 15_000 });
    expect({ status: list.status, code: list.body?.code }).toEqual({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(list.ms).toBeLessThan(5_000);
    const ready = await sys.api('border', 'GET', '/health/ready', undefined, undefined, { timeoutMs: 15_000 });
    expect(ready.status).toBe(503);
    expect(ready.body.checks.postgres.status).toBe('down');
    expect(ready.ms).toBeLessThan(5_000);
  }

  it('stopped (fast, then immediate = crash) and started twice during a stream: 503 meanwhile, every accepted message delivered exactly once', async () => {
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 4, backoffMs: 100 }).start();
    await stream.acceptedAtLeast(100);

    await pg.stop('fast');
    await waitFor(async () => (await sys.api('border', 'GET', '/health/ready', undefined, undefined, { timeoutMs: 10_000 })).status === 503, 10_000, 'readiness 503');
    await probeOutage();
    await sleep(1500);
    await probeOutage();
    await pg.start();
    await waitFor(async () => (await sys.api('border', 'GET', '/health/ready')).status === 200, 30_000, 'readiness 200 after the restart');

    await stream.acceptedAtLeast(200);
    await pg.stop('immediate');
    await sleep(1000);
    await probeOutage();
    await pg.start();

    await stream.finished();
    const result = await account(sys, stream);
    console.log('postgres restart:', JSON.stringify({ ...result, orphans: result.orphans.length }));
    expect(result.accepted).toBeGreaterThanOrEqual(300);
    expect(stream.count('refused-by-server')).toBeGreaterThan(0);
    // Every refusal while the database was away was a 503 DATABASE_UNAVAILABLE, none hung.
    const refusals = stream.attempts.filter((a) => a.outcome === 'refused-by-server');
    expect(refusals.filter((a) => a.status !== 503 || a.code !== 'DATABASE_UNAVAILABLE')).toEqual([]);
    expect(stream.attempts.filter((a) => a.outcome === 'no-answer')).toEqual([]);
    expect(Math.max(...stream.attempts.map((a) => a.ms))).toBeLessThan(10_000);
    // The node process itself never went down.
    expect(sys.node('border').exits).toEqual([]);
  });
});

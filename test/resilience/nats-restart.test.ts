import { AGENCIES } from '@shekara/contracts';
import { PrivateNats } from '../support/processes';
import { MessageStream, ProcSystem, account, sleep, waitFor } from './support';

jest.setTimeout(240_000);

/**
 * A private nats-server (JetStream, store in a temp dir) crashes (kill -9) and is restarted on the
 * same port with the same store, mid-stream. The API keeps accepting (PostgreSQL is the truth; the
 * outbox holds what the bus cannot take) and every accepted message arrives exactly once.
 */
describe('nats-server restarted mid-stream', () => {
  const nats = new PrivateNats('solo');
  let sys: ProcSystem;
  let token: string;

  beforeAll(async () => {
    await nats.start();
    sys = new ProcSystem({ natsUrls: [nats.url] });
    await sys.startNodes();
    token = await sys.login('border');
  });
  afterAll(async () => {
    await sys?.cleanup({ deleteStreams: false });
    await nats.stop();
  });

  it('kill -9 and restart (same port and store) twice during a stream: every accepted message delivered exactly once', async () => {
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 4, backoffMs: 100 }).start();
    await stream.acceptedAtLeast(100);
    await nats.kill('SIGKILL');
    // The HTTP API still accepts while the bus is away; readiness says NATS is down.
    await stream.acceptedAtLeast(140);
    const ready = await sys.api('border', 'GET', '/health/ready', undefined, undefined, { timeoutMs: 10_000 });
    expect({ status: ready.status, nats: ready.body.checks?.nats?.status }).toEqual({ status: 503, nats: 'down' });
    await nats.start();

    await stream.acceptedAtLeast(220);
    await nats.restart('SIGTERM', 500); // a clean restart too
    await stream.finished();
    await waitFor(async () => (await sys.api('border', 'GET', '/health/ready')).status === 200, 30_000, 'readiness after the restart');

    const result = await account(sys, stream);
    console.log('nats restart:', JSON.stringify({ ...result, orphans: result.orphans.length }));
    expect(result.accepted).toBeGreaterThanOrEqual(300);
    expect(result.orphans).toEqual([]);
    expect(stream.attempts.filter((a) => a.outcome !== 'accepted')).toEqual([]);
    for (const a of AGENCIES) expect(sys.node(a).exits).toEqual([]);
    await sleep(0);
  });
});

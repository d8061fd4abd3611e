import { MessageStream, ProcSystem, account, expectEveryAttemptAccepted, sleep, waitFor } from './support';

jest.setTimeout(240_000);

/**
 * On the provisioned bus (hub and one server per agency): border's own nats-server crashes
 * (kill -9) and is restarted with the same config and store, then the hub is restarted cleanly,
 * mid-stream. The API keeps accepting (PostgreSQL is the truth; the outbox holds what the bus
 * cannot take) and every accepted message arrives exactly once.
 */
describe('nats-servers restarted mid-stream', () => {
  const sys = new ProcSystem();
  let token: string;

  beforeAll(async () => {
    await sys.startNodes();
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  it("border's server kill -9 and restart, then the hub restarted, during a stream: every accepted message delivered exactly once", async () => {
    const servers = sys.bus.started;
    const borderServer = sys.bus.bus.identity('border-node').server;
    const hub = sys.bus.bus.hub().name;
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 4, backoffMs: 100 }).start();
    await stream.acceptedAtLeast(100);
    await servers.stopOne(borderServer, 'SIGKILL');
    // The HTTP API still accepts while its server is away; readiness says NATS is down.
    await stream.acceptedAtLeast(140);
    const ready = await sys.api('border', 'GET', '/health/ready', undefined, undefined, { timeoutMs: 10_000 });
    expect({ status: ready.status, nats: ready.body.checks?.nats?.status }).toEqual({ status: 503, nats: 'down' });
    servers.startOne(borderServer);
    await servers.waitLinks(30_000);

    await stream.acceptedAtLeast(220);
    // A clean restart of the hub: every link between the agencies goes away for a moment.
    await servers.stopOne(hub, 'SIGTERM');
    await sleep(500);
    servers.startOne(hub);
    await servers.waitLinks(30_000);
    await stream.finished();
    await waitFor(async () => (await sys.api('border', 'GET', '/health/ready')).status === 200, 30_000, 'readiness after the restart');

    const result = await account(sys, stream);
    console.log('nats restart:', JSON.stringify({ ...result, orphans: result.orphans.length }));
    expectEveryAttemptAccepted(sys, stream, result);
  });
});

import { MessageStream, ProcSystem, account, sleep } from './support';

jest.setTimeout(240_000);

/**
 * kill -9 of the sender node and of a recipient node in the middle of a stream of messages, then
 * restart: every accepted message is delivered exactly once per recipient, receipts complete.
 * The apps are the built ones, as child processes, on the shared PostgreSQL and a private
 * provisioned bus (hub and one server per agency, from config/bus.json; own prefix).
 */
describe('kill -9 of an agency node mid-stream', () => {
  const sys = new ProcSystem();
  let token: string;

  beforeAll(async () => {
    await sys.startNodes();
    token = await sys.login('border');
  });
  afterAll(async () => {
    await sys.cleanup();
  });

  it('the sender node killed and restarted: every accepted message delivered exactly once, orphans accounted for', async () => {
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 6, backoffMs: 50 }).start();
    await stream.acceptedAtLeast(100);
    await sys.node('border').kill('SIGKILL');
    await sleep(500); // requests meanwhile: connection refused
    await sys.node('border').start();
    await stream.finished();
    const result = await account(sys, stream);
    console.log('sender kill -9:', JSON.stringify({ ...result, orphans: result.orphans.length }));
    expect(result.accepted).toBeGreaterThanOrEqual(300);
    expect(stream.count('connection-refused')).toBeGreaterThan(0);
  });

  it('a recipient node killed and restarted: every accepted message delivered exactly once', async () => {
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 6, backoffMs: 50 }).start();
    await stream.acceptedAtLeast(100);
    await sys.node('interior').kill('SIGKILL');
    await stream.acceptedAtLeast(200);
    await sys.node('interior').start();
    await stream.finished();
    const result = await account(sys, stream);
    console.log('recipient kill -9:', JSON.stringify({ ...result, orphans: result.orphans.length }));
    expect(result.accepted).toBeGreaterThanOrEqual(300);
    expect(result.orphans).toEqual([]); // the sender never went down
  });
});

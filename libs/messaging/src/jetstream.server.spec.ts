import { JetStreamServer, exponentialRetry } from './jetstream.server';

const options = (routes: string[]) => ({
  connect: () => Promise.reject(new Error('not connected in a unit spec')),
  consumers: routes.map((route) => ({ route: route as never, stream: 'S', filterSubject: 's.x', durable: 'd' })),
  maxDeliveries: 3,
  retryDelayMs: exponentialRetry(100, 1000),
  ackWaitMs: 1000,
});

describe('JetStreamServer.checkHandlers', () => {
  it('accepts one handler per configured route', () => {
    const s = new JetStreamServer(options(['inbox']));
    s.addHandler('inbox', (async () => undefined) as never, true);
    expect(() => s.checkHandlers()).not.toThrow();
  });

  it('refuses a route without a handler, a handler without a route, and two handlers for one route', () => {
    const missing = new JetStreamServer(options(['inbox', 'dead-letter']));
    missing.addHandler('inbox', (async () => undefined) as never, true);
    expect(() => missing.checkHandlers()).toThrow('route "dead-letter" has no handler');

    const stray = new JetStreamServer(options(['inbox']));
    stray.addHandler('inbox', (async () => undefined) as never, true);
    stray.addHandler('audit', (async () => undefined) as never, true);
    expect(() => stray.checkHandlers()).toThrow('handler "audit" has no configured consumer');

    const doubled = new JetStreamServer(options(['inbox']));
    doubled.addHandler('inbox', (async () => undefined) as never, true);
    doubled.addHandler('inbox', (async () => undefined) as never, true);
    expect(() => doubled.checkHandlers()).toThrow('route "inbox" has more than one handler');
  });

  it('backs off exponentially up to the cap', () => {
    const d = exponentialRetry(100, 1000);
    expect([1, 2, 3, 4, 5, 6].map(d)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

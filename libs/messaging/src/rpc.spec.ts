import { NatsRpcServer } from './rpc';
import { BusNames, NotifyRequestSchema, NotifyResponseSchema, RpcMethod } from '@shekara/contracts';

describe('NatsRpcServer.checkHandlers', () => {
  const server = () =>
    new NatsRpcServer({
      connect: () => Promise.reject(new Error('not connected in a unit spec')),
      names: new BusNames('spec'),
      target: 'border',
      routes: [{ method: RpcMethod.Notify, request: NotifyRequestSchema, response: NotifyResponseSchema }],
    });

  it('accepts one handler per method and refuses gaps, strays and doubles', () => {
    const ok = server();
    ok.addHandler(RpcMethod.Notify, (async () => undefined) as never);
    expect(() => ok.checkHandlers()).not.toThrow();

    expect(() => server().checkHandlers()).toThrow('method "notify" has no handler');

    const stray = server();
    stray.addHandler(RpcMethod.Notify, (async () => undefined) as never);
    stray.addHandler(RpcMethod.Verdicts, (async () => undefined) as never);
    expect(() => stray.checkHandlers()).toThrow('handler "verdicts" is not a configured method');

    const doubled = server();
    doubled.addHandler(RpcMethod.Notify, (async () => undefined) as never);
    doubled.addHandler(RpcMethod.Notify, (async () => undefined) as never);
    expect(() => doubled.checkHandlers()).toThrow('more than one handler');
  });
});

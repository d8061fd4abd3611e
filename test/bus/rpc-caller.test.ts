/**
 * The RPC transport on the per-account topology: the supervisor's NatsRpcServer connected as the
 * `supervisor` identity serves `rpc.supervisor.from.*.<method>`; the scheduler's call arrives with
 * the caller taken from the routed subject, whatever the payload claims; nobody else gets through.
 */
import { create } from '@bufbuild/protobuf';
import type { NatsConnection } from '@nats-io/transport-node';
import { BusNames, DueEscalationsRequestSchema, DueEscalationsResponseSchema, RpcMethod } from '@shekara/contracts';
import { NatsRpcServer, RpcCaller, connectBus, rpcCall } from '@shekara/messaging';
import { startPrivateBus, type PrivateBus } from './support';

jest.setTimeout(60_000);
const names = new BusNames('shekara');
let pb: PrivateBus;
let server: NatsRpcServer;
const conns: NatsConnection[] = [];

beforeAll(async () => {
  pb = await startPrivateBus();
});
afterAll(async () => {
  await server?.close();
  await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  await pb?.stop();
});

it('hands the handler the caller the server routed', async () => {
  const seen: string[] = [];
  server = new NatsRpcServer({
    connect: async () => (await connectBus(pb.bus, 'supervisor', { persistent: false })).nc,
    names,
    target: 'supervisor',
    routes: [{ method: RpcMethod.DueEscalations, request: DueEscalationsRequestSchema, response: DueEscalationsResponseSchema }],
  });
  server.addHandler(RpcMethod.DueEscalations, (async (_req: unknown, ctx: RpcCaller) => {
    seen.push(ctx.caller);
    return create(DueEscalationsResponseSchema, {});
  }) as never);
  await new Promise<void>((res, rej) => void server.listen((e) => (e ? rej(e) : res())));

  const scheduler = (await connectBus(pb.bus, 'scheduler', { persistent: false })).nc;
  const border = (await connectBus(pb.bus, 'border-node', { persistent: false })).nc;
  conns.push(scheduler, border);
  const req = create(DueEscalationsRequestSchema, {});
  await rpcCall(scheduler, names.rpcFrom('supervisor', 'scheduler', RpcMethod.DueEscalations), DueEscalationsRequestSchema, req, DueEscalationsResponseSchema, 3000);
  expect(seen).toEqual(['scheduler']);
  // The border node cannot call it, neither as itself nor as the scheduler.
  for (const caller of ['border-node', 'scheduler']) {
    await expect(rpcCall(border, names.rpcFrom('supervisor', caller, RpcMethod.DueEscalations), DueEscalationsRequestSchema, req, DueEscalationsResponseSchema, 1000)).rejects.toThrow();
  }
  expect(seen).toEqual(['scheduler']);
});

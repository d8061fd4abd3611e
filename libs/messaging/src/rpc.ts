import { Logger } from '@nestjs/common';
import { Server } from '@nestjs/microservices';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { fromJson, toJson } from '@bufbuild/protobuf';
import type { DescMessage, JsonValue, MessageShape } from '@bufbuild/protobuf';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import type { AgencyCode, BusNames, RpcMethod } from '@shekara/contracts';
import { closeConnection } from './jetstream.server';

/** Handlers bound to this transport use it as the second argument of @MessagePattern. */
export const NATS_RPC_TRANSPORT = Symbol('SHEKARA_NATS_RPC');

/** Reply headers: an error reply carries these and an empty body. */
export const RpcHeader = { Error: 'Shekara-Error', Code: 'Shekara-Error-Code' } as const;

/** Thrown by an RPC handler for a request it refuses (bad input): the caller gets code 400. */
export class RpcRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcRequestError';
  }
}

export interface RpcRoute {
  method: RpcMethod;
  request: DescMessage;
  response: DescMessage;
}

export interface NatsRpcServerOptions {
  /** Opens the handlers' connection (BusEndpoint.connect: its own identity and server). */
  connect: () => Promise<NatsConnection>;
  names: BusNames;
  target: AgencyCode | 'supervisor';
  routes: RpcRoute[];
}

/** The second argument of an RPC handler: who called, from the subject the server routed (docs/bus.md). */
export class RpcCaller {
  constructor(readonly caller: string) {}
}

/**
 * Request/reply on core NATS for Nest handlers (@MessagePattern(RpcMethod.X, NATS_RPC_TRANSPORT)).
 * The request body is the proto JSON form of the route's request message, parsed strictly
 * (unknown fields and bad types are refused with code 400 before the handler runs) and handed to
 * the handler as a message; the handler returns the response message (create(Schema, …)). Errors travel in headers, never as a fake response.
 * Refuses to start unless each route has exactly one handler and each handler a route.
 */
export class NatsRpcServer extends Server implements CustomTransportStrategy {
  override readonly transportId = NATS_RPC_TRANSPORT;
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger('NatsRpcServer');
  private nc?: NatsConnection;
  private readonly subs: Subscription[] = [];

  /** Patterns registered more than once (Nest silently overwrites request handlers). */
  private readonly doubled = new Set<string>();

  override addHandler(pattern: unknown, callback: Parameters<Server['addHandler']>[1], isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const key = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
    if (this.getHandlers().has(key)) this.doubled.add(key);
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  constructor(private readonly options: NatsRpcServerOptions) {
    super();
  }

  checkHandlers(): void {
    const routes = new Set(this.options.routes.map((r) => r.method as string));
    const problems: string[] = [];
    for (const r of routes) {
      const h = this.getHandlers().get(r);
      if (!h) problems.push(`method "${r}" has no handler`);
      else if (h.next || this.doubled.has(r)) problems.push(`method "${r}" has more than one handler`);
    }
    for (const p of this.getHandlers().keys()) if (!routes.has(p)) problems.push(`handler "${p}" is not a configured method`);
    if (problems.length) throw new Error(`RPC transport refuses to start: ${problems.join('; ')}`);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.checkHandlers();
      this.nc = await this.options.connect();
      for (const route of this.options.routes) {
        // `<prefix>.rpc.<target>.from.*.<method>`: the server puts the caller's identity in the subject.
        const subject = this.options.names.rpcFrom(this.options.target, '*', route.method);
        const sub = this.nc.subscribe(subject, { queue: this.options.names.rpcQueue(this.options.target) });
        this.subs.push(sub);
        void this.serve(sub, route);
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async serve(sub: Subscription, route: RpcRoute): Promise<void> {
    const handler = this.getHandlers().get(route.method)!;
    for await (const msg of sub) {
      void this.answer(msg, route, handler);
    }
  }

  private async answer(msg: Msg, route: RpcRoute, handler: NonNullable<ReturnType<Server['getHandlerByPattern']>>): Promise<void> {
    const routed = this.options.names.rpcRoute(msg.subject, this.options.target);
    if (!routed || routed.method !== route.method) return this.fail(msg, 400, `not an RPC subject of ${this.options.target}: ${msg.subject}`);
    const caller = new RpcCaller(routed.caller);
    let request: MessageShape<DescMessage>;
    try {
      request = fromJson(route.request, msg.json<JsonValue>());
    } catch (e) {
      return this.fail(msg, 400, `bad request: ${(e as Error).message}`);
    }
    try {
      const result = await lastValueFrom(this.transformToObservable(await handler(request, caller)));
      msg.respond(JSON.stringify(toJson(route.response, result as MessageShape<DescMessage>)));
    } catch (e) {
      if (e instanceof RpcRequestError) return this.fail(msg, 400, e.message);
      this.log.error({ msg: 'rpc handler failed', method: route.method, err: e });
      this.fail(msg, 500, (e as Error).message ?? String(e));
    }
  }

  private fail(msg: Msg, code: number, message: string): void {
    const h = natsHeaders();
    h.set(RpcHeader.Code, String(code));
    h.set(RpcHeader.Error, message.replace(/[\r\n]+/g, ' ').slice(0, 1000));
    msg.respond('', { headers: h });
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await closeConnection(this.nc);
  }

  on(): never {
    throw new Error('NatsRpcServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.nc as T;
  }
}

export class RpcCallError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcCallError';
  }
}

/** Calls an RPC method: request and response are typed by their proto schemas. */
export async function rpcCall<Req extends DescMessage, Res extends DescMessage>(
  nc: NatsConnection,
  subject: string,
  reqSchema: Req,
  request: MessageShape<Req>,
  resSchema: Res,
  timeoutMs = 10_000,
): Promise<MessageShape<Res>> {
  const reply = await nc.request(subject, JSON.stringify(toJson(reqSchema, request)), { timeout: timeoutMs });
  const code = reply.headers?.get(RpcHeader.Code);
  if (code) throw new RpcCallError(Number(code), reply.headers?.get(RpcHeader.Error) ?? 'error');
  return fromJson(resSchema, reply.json<JsonValue>(), { ignoreUnknownFields: true });
}

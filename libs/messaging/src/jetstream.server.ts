import { Logger } from '@nestjs/common';
import { BaseRpcContext, Server } from '@nestjs/microservices';
import type { CustomTransportStrategy, MessageHandler } from '@nestjs/microservices';
import { jetstream } from '@nats-io/jetstream';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUNDLE_HEADER, DeadLetterReason, deadLetterReasonOf, deadLetterText, envelopesOf } from '@shekara/contracts';
import type { ConsumerSpec } from '@shekara/contracts';
import { lastValueFrom } from 'rxjs';
import { PartlyRefused, PermanentMessageError } from './errors';
import type { RefusedPart } from './errors';
import { ensureConsumer, manager } from './nats';

/** Handlers bound to this transport use it as the second argument of @EventPattern. */
export const JETSTREAM_TRANSPORT = Symbol('SHEKARA_JETSTREAM');

/** Headers the transport puts on a dead letter. */
export const DeadLetterHeader = {
  Reason: 'Shekara-Reason',
  /** The reason's code alone (DeadLetterReason), when the reason starts with one. */
  ReasonCode: 'Shekara-Reason-Code',
  OriginalSubject: 'Shekara-Original-Subject',
  OriginalStream: 'Shekara-Original-Stream',
  OriginalSeq: 'Shekara-Original-Seq',
  Deliveries: 'Shekara-Deliveries',
  /** The element's place in the original message, when only that element was refused (a bundle's envelope). */
  OriginalIndex: 'Shekara-Original-Index',
} as const;

export interface JetStreamConsumerOptions extends ConsumerSpec {
  /**
   * Where a message goes when it can never be accepted. Absent (the DLQ consumer itself): a message
   * whose handler throws PermanentMessageError is terminated (logged), any other failure retried.
   */
  deadLetterSubject?: string;
  /** Handler runs in flight at once for this consumer. */
  concurrency?: number;
}

export interface JetStreamServerOptions {
  /** Opens the consumers' connection (BusEndpoint.connect: its own identity and server). */
  connect: () => Promise<NatsConnection>;
  consumers: JetStreamConsumerOptions[];
  /** Deliveries after which a failing message is dead-lettered and terminated. */
  maxDeliveries: number;
  /** nak delay for the n-th failed delivery (1-based). */
  retryDelayMs: (delivery: number) => number;
  ackWaitMs: number;
}

/** What a bus handler gets besides the message bytes. */
export class JetStreamContext extends BaseRpcContext<[JsMsg]> {
  get message(): JsMsg {
    return this.getArgByIndex(0);
  }
  get subject(): string {
    return this.message.subject;
  }
  get deliveryCount(): number {
    return this.message.info.deliveryCount;
  }
  header(name: string): string | undefined {
    return this.message.headers?.get(name) || undefined;
  }
}

export const exponentialRetry =
  (baseMs: number, capMs: number) =>
  (delivery: number): number =>
    Math.min(capMs, baseMs * 2 ** Math.max(0, delivery - 1));

/**
 * Nest transport strategy over JetStream durable pull consumers.
 *
 * - At listen(), refuses to start unless every configured route has exactly one handler bound to
 *   this transport and every handler has a route.
 * - Each message is acked only after the handler's promise/observable completes.
 * - A handler throwing PermanentMessageError: the message is dead-lettered with the reason, then
 *   terminated. Any other error: nak with an increasing delay; after maxDeliveries, dead-lettered
 *   with the last error and terminated. If the dead letter cannot be published, the message is
 *   nak'ed instead so nothing is ever dropped.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  override readonly transportId = JETSTREAM_TRANSPORT;
  override readonly propagatesEventHandlerErrors = true;
  private readonly log = new Logger('JetStreamServer');
  private nc?: NatsConnection;
  private readonly running: ConsumerMessages[] = [];
  private readonly loops: Promise<void>[] = [];
  private closing = false;

  /** Patterns registered more than once (Nest silently overwrites request handlers). */
  private readonly doubled = new Set<string>();

  override addHandler(pattern: unknown, callback: Parameters<Server['addHandler']>[1], isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const key = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
    if (this.getHandlers().has(key)) this.doubled.add(key);
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  constructor(private readonly options: JetStreamServerOptions) {
    super();
  }

  /** Refuses to start on a route without a handler, a handler without a route, or a doubled handler. */
  checkHandlers(): void {
    const routes = new Set(this.options.consumers.map((c) => c.route as string));
    const problems: string[] = [];
    for (const route of routes) {
      const h = this.getHandlers().get(route);
      if (!h) problems.push(`route "${route}" has no handler`);
      else if (h.next || this.doubled.has(route)) problems.push(`route "${route}" has more than one handler`);
    }
    for (const pattern of this.getHandlers().keys()) {
      if (!routes.has(pattern)) problems.push(`handler "${pattern}" has no configured consumer`);
    }
    if (problems.length) throw new Error(`JetStream transport refuses to start: ${problems.join('; ')}`);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.checkHandlers();
      this.nc = await this.options.connect();
      const jsm = await manager(this.nc);
      const js = jetstream(this.nc);
      for (const spec of this.options.consumers) {
        await ensureConsumer(jsm, spec, { ackWaitMs: this.options.ackWaitMs });
        const consumer = await js.consumers.get(spec.stream, spec.durable);
        const concurrency = spec.concurrency ?? 32;
        const messages = await consumer.consume({ max_messages: Math.max(64, concurrency * 4) });
        this.running.push(messages);
        this.loops.push(this.loop(spec, messages, this.getHandlers().get(spec.route)!, concurrency));
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  private async loop(
    spec: JetStreamConsumerOptions,
    messages: ConsumerMessages,
    handler: MessageHandler,
    concurrency: number,
  ): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    for await (const msg of messages) {
      const p = this.process(spec, msg, handler).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.allSettled(inFlight);
  }

  private async process(spec: JetStreamConsumerOptions, msg: JsMsg, handler: MessageHandler): Promise<void> {
    const ctx = new JetStreamContext([msg]);
    try {
      const result = await handler(msg.data, ctx);
      const value: unknown = await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      if (value instanceof PartlyRefused && !(await this.deadLetterParts(spec, msg, value.refused))) {
        msg.nak(this.options.retryDelayMs(msg.info.deliveryCount));
        return;
      }
      msg.ack();
    } catch (err) {
      const deliveries = msg.info.deliveryCount;
      const permanent = err instanceof PermanentMessageError;
      if (spec.deadLetterSubject && (permanent || deliveries >= this.options.maxDeliveries)) {
        const reason = permanent
          ? err.reason
          : deadLetterText(DeadLetterReason.DeliveriesExhausted, `after ${deliveries} attempts: ${errorText(err)}`);
        if (await this.deadLetterWhole(spec, msg, reason)) {
          // No reason on the TERM: nats-server 2.9 ignores "+TERM <reason>" (2.10.4+ understands it), and
          // the message would be redelivered for ever. The reason travels with the dead letter.
          msg.term();
          return;
        }
      }
      if (permanent && !spec.deadLetterSubject) {
        // Nowhere further to put it (a malformed dead letter): retrying would loop for ever.
        this.log.error({ msg: 'message refused for good and terminated', route: spec.route, stream: msg.info.stream, seq: msg.seq, reason: err.reason });
        msg.term();
        return;
      }
      if (!permanent) this.log.warn({ msg: 'bus handler failed, will retry', route: spec.route, deliveries, error: errorText(err) });
      msg.nak(this.options.retryDelayMs(deliveries));
    }
  }

  /**
   * Dead-letters a message refused as a whole. A well-formed bundle is dead-lettered envelope by
   * envelope (each with its place), so that every dead letter is one envelope, as if sent alone.
   */
  private async deadLetterWhole(spec: JetStreamConsumerOptions, msg: JsMsg, reason: string): Promise<boolean> {
    const bundle = msg.headers?.get(BUNDLE_HEADER) || undefined;
    if (bundle !== undefined) {
      let parts: Uint8Array[] | undefined;
      try {
        parts = envelopesOf(msg.data, bundle);
      } catch {
        parts = undefined;
      }
      if (parts) return this.deadLetterParts(spec, msg, parts.map((data, index) => ({ index, data, reason })));
    }
    return this.deadLetter(spec, msg, reason);
  }

  /** Dead-letters each refused element of a message accepted in part; true when all were published. */
  private async deadLetterParts(spec: JetStreamConsumerOptions, msg: JsMsg, parts: RefusedPart[]): Promise<boolean> {
    if (!spec.deadLetterSubject) {
      for (const p of parts) this.log.error({ msg: 'part of a message refused for good', route: spec.route, stream: msg.info.stream, seq: msg.seq, index: p.index, reason: p.reason });
      return true;
    }
    const published = await Promise.all(parts.map((p) => this.deadLetter(spec, msg, p.reason, p)));
    return published.every(Boolean);
  }

  /**
   * Publishes a dead letter of the message (or of one element of it: `part`), keyed for the server's
   * duplicate window by where it was consumed, so a redelivered message's dead letters are dropped.
   */
  private async deadLetter(spec: JetStreamConsumerOptions, msg: JsMsg, reason: string, part?: RefusedPart): Promise<boolean> {
    if (!this.nc || !spec.deadLetterSubject) return false;
    try {
      const h = natsHeaders();
      h.set(DeadLetterHeader.Reason, reason.replace(/[\r\n]+/g, ' ').slice(0, 2000));
      const code = deadLetterReasonOf(reason);
      if (code) h.set(DeadLetterHeader.ReasonCode, code);
      h.set(DeadLetterHeader.OriginalSubject, msg.subject);
      h.set(DeadLetterHeader.OriginalStream, msg.info.stream);
      h.set(DeadLetterHeader.OriginalSeq, String(msg.seq));
      h.set(DeadLetterHeader.Deliveries, String(msg.info.deliveryCount));
      if (part) h.set(DeadLetterHeader.OriginalIndex, String(part.index));
      await jetstream(this.nc).publish(spec.deadLetterSubject, part?.data ?? msg.data, {
        headers: h,
        msgID: `${msg.info.stream}:${msg.seq}${part ? `:${part.index}` : ''}`,
      });
      this.log.warn({ msg: 'message dead-lettered', route: spec.route, stream: msg.info.stream, seq: msg.seq, ...(part ? { index: part.index } : {}), reason });
      return true;
    } catch (err) {
      this.log.error({ msg: 'could not publish dead letter; will retry', error: errorText(err) });
      return false;
    }
  }

  /** Stops consuming, lets handlers in flight finish (bounded: unacked messages are redelivered anyway). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const m of this.running) m.stop();
    await within(Promise.allSettled(this.loops), 10_000);
    await closeConnection(this.nc);
  }

  on(): never {
    throw new Error('JetStreamServer does not support event listeners');
  }

  unwrap<T>(): T {
    return this.nc as T;
  }
}

/** Waits for p, but no longer than ms. */
export function within(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    void p.finally(() => (clearTimeout(t), resolve()));
  });
}

/** Drains a connection (pending publishes flushed), closing it outright if that takes too long. */
export async function closeConnection(nc: NatsConnection | undefined, ms = 5_000): Promise<void> {
  if (!nc || nc.isClosed()) return;
  await within(nc.drain().catch(() => undefined), ms);
  if (!nc.isClosed()) await nc.close().catch(() => undefined);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

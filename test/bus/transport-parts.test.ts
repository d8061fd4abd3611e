import { randomBytes } from 'node:crypto';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import { BUNDLE_HEADER, BusRoute, encodeBundle } from '@shekara/contracts';
import { DeadLetterHeader, JetStreamServer, PartlyRefused, PermanentMessageError } from '@shekara/messaging';
import { eventually } from '../support/harness';

jest.setTimeout(60_000);

/**
 * The JetStream transport with bundles (docs/protocol.md, "Bundles"), against the machine's NATS
 * server on its own run-unique stream: an element refused alone becomes a dead letter of its own with
 * its place; a bundle that fails through every delivery is dead-lettered envelope by envelope; one
 * that cannot be read goes whole.
 */
describe('JetStream transport: bundles and dead letters', () => {
  const id = randomBytes(4).toString('hex');
  const stream = `TPARTS_${id}`;
  const inbox = `tparts${id}.inbox`;
  const dlq = `tparts${id}.dlq`;
  let nc: NatsConnection;
  let server: JetStreamServer | undefined;
  let handle: (data: Uint8Array, bundle: string | undefined) => Promise<unknown>;

  beforeAll(async () => {
    nc = await connect({ servers: '127.0.0.1:4222' });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${inbox}`, `${dlq}`] });
    server = new JetStreamServer({
      connect: () => connect({ servers: '127.0.0.1:4222' }),
      consumers: [{ route: BusRoute.Inbox, stream, filterSubject: inbox, durable: `in-${id}`, deadLetterSubject: dlq }],
      maxDeliveries: 1,
      retryDelayMs: () => 100,
      ackWaitMs: 5_000,
    });
    server.addHandler(BusRoute.Inbox, (async (data: Uint8Array, ctx: { header(n: string): string | undefined }) => handle(data, ctx.header(BUNDLE_HEADER))) as never, true);
    await new Promise<void>((resolve, reject) => server!.listen((err?: unknown) => (err ? reject(err) : resolve())));
  });
  afterAll(async () => {
    await server?.close();
    await jetstreamManager(nc).then((jsm) => jsm.streams.delete(stream)).catch(() => undefined);
    await nc?.close();
  });

  const part = (s: string) => new TextEncoder().encode(s);
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const bundleHeaders = (n: string) => {
    const h = natsHeaders();
    h.set(BUNDLE_HEADER, n);
    return h;
  };
  /** The dead letters published since `after` (a stream sequence). */
  async function deadLetters(after: number, count: number): Promise<JsMsg[]> {
    return eventually(async () => {
      const c = await jetstream(nc).consumers.get(stream, { filter_subjects: dlq, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 });
      const got: JsMsg[] = [];
      for await (const m of await c.fetch({ max_messages: 100, expires: 1_000 })) got.push(m);
      return got.length >= count ? got : undefined;
    }, 15_000, `${count} dead letters`);
  }
  const lastSeq = async () => (await (await jetstreamManager(nc)).streams.info(stream)).state.last_seq;

  it('a handler that refuses some elements of a bundle: each refused one is a dead letter of its own, with its place; the message is acked', async () => {
    const seen: string[] = [];
    handle = async () => {
      seen.push('call');
      return new PartlyRefused([
        { index: 1, data: part('second'), reason: 'bad signature: forged' },
        { index: 3, data: part('fourth'), reason: 'wrong sender: smuggled' },
      ]);
    };
    const before = await lastSeq();
    await jetstream(nc).publish(inbox, encodeBundle(['first', 'second', 'third', 'fourth'].map(part)), { headers: bundleHeaders('4') });
    const letters = await deadLetters(before + 1, 2);
    expect(letters.map((m) => [text(m.data), m.headers?.get(DeadLetterHeader.OriginalIndex), m.headers?.get(DeadLetterHeader.Reason)]).sort()).toEqual([
      ['fourth', '3', 'wrong sender: smuggled'],
      ['second', '1', 'bad signature: forged'],
    ]);
    // Acked: not handled again.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(seen).toEqual(['call']);
  });

  it('a bundle whose handling fails through every delivery is dead-lettered envelope by envelope', async () => {
    handle = async () => {
      throw new Error('database away');
    };
    const before = await lastSeq();
    await jetstream(nc).publish(inbox, encodeBundle(['a', 'b'].map(part)), { headers: bundleHeaders('2') });
    const letters = await deadLetters(before + 1, 2);
    expect(letters.map((m) => [text(m.data), m.headers?.get(DeadLetterHeader.OriginalIndex)]).sort()).toEqual([
      ['a', '0'],
      ['b', '1'],
    ]);
    expect(letters.every((m) => /^deliveries exhausted: after 1 attempts: database away/.test(m.headers?.get(DeadLetterHeader.Reason) ?? ''))).toBe(true);
  });

  it('a bundle that cannot be read is dead-lettered whole, without a place', async () => {
    handle = async () => {
      throw new PermanentMessageError('malformed: the bundle holds 2 envelopes, its header says 3');
    };
    const before = await lastSeq();
    const bytes = encodeBundle(['x', 'y'].map(part));
    await jetstream(nc).publish(inbox, bytes, { headers: bundleHeaders('3') });
    const [letter] = await deadLetters(before + 1, 1);
    expect(letter.data).toEqual(bytes);
    expect(letter.headers?.get(DeadLetterHeader.OriginalIndex)).toBe('');
    expect(letter.headers?.get(DeadLetterHeader.ReasonCode)).toBe('malformed');
  });
});

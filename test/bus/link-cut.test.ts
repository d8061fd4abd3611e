/**
 * Interior's leaf server cut off from the hub (a relay on the link drops it; both servers keep
 * running): border's publish to interior fails within its timeout, each side still works with its
 * own server, and after the link returns the same publish (same Nats-Msg-Id, as the outbox retries)
 * is stored exactly once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BusNames } from '@shekara/contracts';
import { ProvisionedBus } from '@shekara/bus-topology';
import { connectBus, ensureOwnStreams } from '@shekara/messaging';
import { LinkRelay, startPrivateBus, type PrivateBus } from './support';

jest.setTimeout(120_000);

const names = new BusNames('shekara');
let pb: PrivateBus;
let relay: LinkRelay;
const conns: NatsConnection[] = [];

beforeAll(async () => {
  let hubLeafPort = 0;
  relay = new LinkRelay(() => hubLeafPort);
  const relayPort = await relay.start();
  pb = await startPrivateBus(undefined, (dir) => {
    hubLeafPort = ProvisionedBus.load(dir).hub().leafnodesPort!;
    const conf = join(dir, 'interior', 'server.conf');
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(`tls://127.0.0.1:${hubLeafPort}`, `tls://127.0.0.1:${relayPort}`));
    // The hub advertises the relay as its leafnode address: a leaf learns the advertised address from
    // the hub's INFO and would otherwise reconnect around the cut.
    const hubConf = join(dir, 'hub', 'hub.conf');
    writeFileSync(hubConf, readFileSync(hubConf, 'utf8').replace('\nleafnodes {\n', `\nleafnodes {\n  advertise: "127.0.0.1:${relayPort}"\n`));
  });
});

afterAll(async () => {
  await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  await pb?.stop();
  await relay?.stop();
});

async function linked(n: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await pb.servers.hubLeafLinks()) !== n) {
    if (Date.now() > deadline) throw new Error(`hub never had ${n} leaf links`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('fails fast while cut, keeps each side working, and delivers once after the link returns', async () => {
  const interior = await connectBus(pb.bus, 'interior-node', { persistent: false });
  const border = await connectBus(pb.bus, 'border-node', { persistent: false });
  conns.push(interior.nc, border.nc);
  await ensureOwnStreams(pb.bus, interior, { replicas: 1, duplicateWindowMs: 300_000 }, { ackWaitMs: 30_000 });
  await ensureOwnStreams(pb.bus, border, { replicas: 1, duplicateWindowMs: 300_000 }, { ackWaitMs: 30_000 });
  const js = jetstream(border.nc);
  const subject = names.inboxFrom('interior', 'border');
  // As the outbox does: retry with the same Nats-Msg-Id until acked (a timeout is ambiguous).
  const untilAcked = async (step: string, data: string, msgID: string) => {
    for (let i = 0; ; i++) {
      try {
        return await js.publish(subject, data, { msgID, timeout: 2000 });
      } catch (e) {
        if (i >= 20) throw new Error(`${step}: not acked after ${i + 1} attempts: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  expect((await untilAcked('before the cut', 'before', 'm-before')).domain).toBe('interior');

  relay.cut();
  await linked(2);
  const t0 = Date.now();
  await expect(js.publish(subject, 'during', { msgID: 'm-during', timeout: 2000 })).rejects.toThrow();
  expect(Date.now() - t0).toBeLessThan(3000);
  // Each agency keeps working with its own server: dead letters, its own inbox stream.
  expect((await jetstream(interior.nc).publish(names.deadLetterSubject('interior'), 'local', { msgID: 'dl-1', timeout: 10_000 })).domain).toBe('interior');
  expect((await jetstream(border.nc).publish(names.deadLetterSubject('border'), 'local', { msgID: 'dl-2', timeout: 10_000 })).domain).toBe('border');

  relay.restore();
  await linked(3);
  // The outbox retries with the same id until acked; a retry of an already stored one is a duplicate.
  expect((await untilAcked('after the link returned', 'during', 'm-during')).domain).toBe('interior');
  expect((await untilAcked('retry of a stored message', 'during', 'm-during')).duplicate).toBe(true);
  expect((await untilAcked('retry of the first message', 'before', 'm-before')).duplicate).toBe(true);

  const jsm = await jetstreamManager(interior.nc);
  const stream = names.inboxFromStream('interior').name;
  const info = await jsm.streams.info(stream);
  const stored: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) stored.push((await jsm.streams.getMessage(stream, { seq }))!.string());
  expect(stored).toEqual(['before', 'during']);
});

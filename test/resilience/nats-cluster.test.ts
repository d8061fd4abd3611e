import { AGENCIES } from '@shekara/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsCluster } from '../support/processes';
import { MessageStream, ProcSystem, account, waitFor } from './support';

jest.setTimeout(240_000);

/**
 * Streams replicated on a three-server NATS cluster (JetStream R3), the nodes given all three URLs.
 * The leader of the recipient's inbox stream is killed (-9) mid-stream: nothing is lost, nothing
 * arrives twice. Plain servers on purpose (ProcSystem's `natsUrls`): the provisioned topology has no
 * routes yet (docs/bus.md: a clustered hub or agency server would add `cluster { tls }` from the
 * same CA); this test proves the nodes' side of a replicated stream, with the same subjects.
 */
describe('three-server NATS cluster, one server killed mid-stream', () => {
  const cluster = new NatsCluster(3);
  let sys: ProcSystem;
  let token: string;

  beforeAll(async () => {
    await cluster.start();
    // JetStream is usable once the cluster has elected its meta leader.
    await waitFor(async () => {
      const nc = await connect({ servers: cluster.urls, timeout: 2000 });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.getAccountInfo();
        return true;
      } finally {
        await nc.close();
      }
    }, 30_000, 'the JetStream meta leader of the cluster', 500);
    sys = new ProcSystem({ natsUrls: cluster.urls, streamReplicas: 3 });
    await sys.startNodes();
    token = await sys.login('border');
  });
  afterAll(async () => {
    await sys?.cleanup({ deleteStreams: false });
    await cluster.stop();
  });

  it('streams are R3; kill -9 of the inbox stream leader during the stream loses nothing', async () => {
    const nc = await connect({ servers: cluster.urls });
    const jsm = await jetstreamManager(nc);
    const inbox = sys.names.inboxFromStream('interior').name;
    try {
      // The nodes' own streams (the audit stream is the supervisor's, not started here).
      for (const s of AGENCIES.flatMap((a) => sys.names.ownStreams(a))) expect((await jsm.streams.info(s.name)).config.num_replicas).toBe(3);
      const stream = new MessageStream(sys, token, { target: 300, concurrency: 4, backoffMs: 100 }).start();
      await stream.acceptedAtLeast(100);
      const leader = (await jsm.streams.info(inbox)).cluster?.leader;
      const victim = cluster.nodes.find((n) => n.name === leader);
      expect(victim).toBeDefined();
      await victim!.kill('SIGKILL');
      await stream.finished();
      const result = await account(sys, stream);
      console.log('nats cluster:', JSON.stringify({ killed: leader, newLeader: (await jsm.streams.info(inbox)).cluster?.leader, ...result, orphans: result.orphans.length }));
      expect(result.accepted).toBeGreaterThanOrEqual(300);
      expect(result.orphans).toEqual([]);
      expect(stream.attempts.filter((a) => a.outcome !== 'accepted')).toEqual([]);
      for (const a of AGENCIES) expect(sys.node(a).exits).toEqual([]);
    } finally {
      await nc.close();
    }
  });
});

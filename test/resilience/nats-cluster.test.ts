import { AGENCIES } from '@shekara/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { clusteredTopology, freePortsTopology } from '../bus/support';
import { MessageStream, ProcSystem, account, waitFor } from './support';

jest.setTimeout(300_000);

/**
 * On the provisioned bus with clusters (config/bus.json plus `cluster` blocks, as `shekara bus
 * provision` generates them): the hub is a cluster of three servers, interior's server a cluster of
 * three with its JetStream domain's streams at R3; border and customs keep one server each. Every
 * app connects as its own identity over TLS, routes are mutual TLS with each cluster's route CA.
 * During a stream of reports from border (to interior and customs) the leader of interior's inbox
 * stream is killed (-9), then the hub server carrying border's leaf link: nothing is lost, nothing
 * arrives twice, delivery resumes; the killed servers restart with their stores and catch up.
 */
describe('clustered hub and agency server, one member of each killed mid-stream', () => {
  const sys = new ProcSystem({ topology: clusteredTopology(freePortsTopology(), { hub: 3, agencies: { interior: 3 } }) });
  let token: string;

  beforeAll(async () => {
    await sys.startNodes();
    token = await sys.login('border');
  });
  afterAll(() => sys.cleanup());

  it("kill -9 of interior's inbox stream leader, then of border's hub server, during the stream: every accepted message delivered exactly once", async () => {
    const bus = sys.bus.bus;
    const servers = sys.bus.started;
    const nc = await sys.connectAs('interior-node');
    const jsm = await jetstreamManager(nc);
    const inbox = sys.names.inboxFromStream('interior').name;
    // Interior's own streams are R3 in its cluster; border's stay R1 on its single server.
    for (const s of sys.names.ownStreams('interior')) {
      const info = await jsm.streams.info(s.name);
      expect({ stream: s.name, replicas: info.config.num_replicas, cluster: info.cluster?.name }).toEqual({ stream: s.name, replicas: 3, cluster: 'shekara-interior' });
    }
    const borderJsm = await jetstreamManager(await sys.connectAs('border-node'));
    expect((await borderJsm.streams.info(sys.names.inboxFromStream('border').name)).config.num_replicas).toBe(1);

    const stream = new MessageStream(sys, token, { target: 300, concurrency: 4, backoffMs: 100 }).start();
    await stream.acceptedAtLeast(100);
    const leader = (await jsm.streams.info(inbox)).cluster?.leader;
    expect(bus.members('shekara-interior').map((m) => m.name)).toContain(leader);
    await servers.stopOne(leader!, 'SIGKILL');

    await stream.acceptedAtLeast(200);
    // The hub server border's leaf is linked to (its leaf remote lists every hub server).
    const borderHub = await hubOfLeaf(sys, 'shekara-border');
    await servers.stopOne(borderHub, 'SIGKILL');
    await stream.finished();

    const result = await account(sys, stream);
    const newLeader = (await jsm.streams.info(inbox)).cluster?.leader;
    console.log('nats cluster:', JSON.stringify({ killed: [leader, borderHub], newLeader, borderHubNow: await hubOfLeaf(sys, 'shekara-border'), ...result, orphans: result.orphans.length }));
    expect(newLeader).not.toBe(leader);
    expect(result.accepted).toBeGreaterThanOrEqual(300);
    expect(result.orphans).toEqual([]);
    expect(stream.attempts.filter((a) => a.outcome !== 'accepted')).toEqual([]);
    for (const a of AGENCIES) expect(sys.node(a).exits).toEqual([]);

    // Both killed servers come back from their stores; the interior member catches up with the stream.
    servers.startOne(leader!);
    servers.startOne(borderHub);
    await servers.waitHealthyOne(borderHub, 30_000);
    await servers.waitHealthyOne(leader!, 60_000);
    await servers.waitLinks(30_000);
    await waitFor(
      async () => {
        const info = await jsm.streams.info(inbox);
        const peers = [info.cluster?.leader, ...(info.cluster?.replicas ?? []).filter((r) => r.current).map((r) => r.name)];
        return peers.includes(leader) && peers.length === 3;
      },
      60_000,
      `the restarted ${leader} current again in ${inbox}`,
      500,
    );
  });
});

/**
 * The hub server (cluster member) a single-server agency's leaf is linked to now, from the hub
 * servers' /leafz (nats-server 2.9 names the link by its account, which is that agency's only).
 */
async function hubOfLeaf(sys: ProcSystem, leaf: string): Promise<string> {
  const account = sys.bus.bus.server(leaf).account;
  const bus = sys.bus.bus;
  const seen: unknown[] = [];
  for (const hub of bus.hubs()) {
    if (!sys.bus.started.running(hub.name)) continue;
    const body = (await (await fetch(`http://${bus.topology.host}:${hub.monitorPort}/leafz`)).json()) as { leafs?: Array<{ account?: string }> };
    seen.push({ hub: hub.name, leafs: body.leafs?.map((l) => l.account) });
    if (body.leafs?.some((l) => l.account === account)) return hub.name;
  }
  throw new Error(`${leaf} is linked to no hub server: ${JSON.stringify(seen)}`);
}

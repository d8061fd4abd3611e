import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { closeConnection, connectBus } from '@shekara/messaging';
import { clusteredTopology, freePortsTopology } from '../bus/support';
import { MessageStream, ProcSystem, account, expectEveryAttemptAccepted, waitFor } from './support';

jest.setTimeout(300_000);

/**
 * On the provisioned bus with clusters (config/bus.json plus `cluster` blocks, as `shekara bus
 * provision` generates them): the hub is a cluster of three servers, interior's server a cluster of
 * three with its JetStream domain's streams at R3; border and customs keep one server each. Every
 * app connects as its own identity over TLS, routes are mutual TLS with each cluster's route CA.
 * During a stream of reports from border (to interior and customs) the leader of interior's inbox
 * stream is killed (-9), then the hub server carrying border's leaf link (the ledger's audit stream
 * is R3 on the hub cluster): nothing is lost, nothing
 * arrives twice, delivery resumes; the killed servers restart with their stores and catch up.
 * Then a rolling restart of the hub cluster and a crash of the whole interior cluster, same checks.
 */
describe('clustered hub and agency server, one member of each killed mid-stream', () => {
  const sys = new ProcSystem({ topology: clusteredTopology(freePortsTopology(), { hub: 3, agencies: { interior: 3 } }) });
  let token: string;
  const conns: NatsConnection[] = [];

  beforeAll(async () => {
    await sys.startNodes();
    // The ledger on the clustered hub: its audit stream at R3 in the hub's domain.
    await sys.startSupervisor();
    token = await sys.login('border');
  });
  afterAll(async () => {
    for (const nc of conns) await closeConnection(nc, 2000);
    await sys.cleanup();
  });

  it("kill -9 of interior's inbox stream leader, then of border's hub server, during the stream: every accepted message delivered exactly once", async () => {
    const bus = sys.bus.bus;
    const servers = sys.bus.started;
    // Reconnecting (to another member when its own is killed), as the services' connections do.
    const { nc } = await connectBus(bus, 'interior-node', { name: 'test-cluster-observer' });
    conns.push(nc);
    const jsm = await jetstreamManager(nc);
    const inbox = sys.names.inboxFromStream('interior').name;
    // Interior's own streams are R3 in its cluster; border's stay R1 on its single server.
    for (const s of sys.names.ownStreams('interior')) {
      const info = await jsm.streams.info(s.name);
      expect({ stream: s.name, replicas: info.config.num_replicas, cluster: info.cluster?.name }).toEqual({ stream: s.name, replicas: 3, cluster: 'shekara-interior' });
    }
    const borderJsm = await jetstreamManager(await sys.connectAs('border-node'));
    expect((await borderJsm.streams.info(sys.names.inboxFromStream('border').name)).config.num_replicas).toBe(1);
    const ledger = await connectBus(bus, 'supervisor', { name: 'test-cluster-ledger-observer' });
    conns.push(ledger.nc);
    const ledgerJsm = await jetstreamManager(ledger.nc);
    const audit = await ledgerJsm.streams.info(sys.names.auditStream().name);
    expect({ replicas: audit.config.num_replicas, cluster: audit.cluster?.name }).toEqual({ replicas: 3, cluster: 'shekara-hub' });

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
    expectEveryAttemptAccepted(sys, stream, result);
    // The ledger kept taking the audit batches through the hub member's death: it catches up, nothing left unacked.
    const auditConsumer = sys.names.auditConsumer();
    await waitFor(
      async () => {
        const c = await ledgerJsm.consumers.info(auditConsumer.stream, auditConsumer.durable);
        return c.delivered.stream_seq > 0 && c.num_pending === 0 && c.num_ack_pending === 0;
      },
      60_000,
      'the ledger to have consumed and acked every audit batch',
      500,
    );
    expect(sys.supervisor!.exits).toEqual([]);

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

  it('a rolling restart of the hub cluster, then every interior server killed (-9) at once and restarted from its store, during a stream: every accepted message delivered exactly once', async () => {
    const bus = sys.bus.bus;
    const servers = sys.bus.started;
    // Every server up (whatever the test before left).
    for (const s of bus.manifest.servers) servers.startOne(s.name);
    for (const s of bus.manifest.servers) await servers.waitHealthyOne(s.name, 60_000);
    await servers.waitLinks(30_000);
    const stream = new MessageStream(sys, token, { target: 300, concurrency: 4, backoffMs: 100 }).start();
    await stream.acceptedAtLeast(60);
    // One hub member at a time, cleanly: the leaves move to the others, the hub's JetStream keeps its quorum.
    for (const hub of bus.hubs()) {
      await servers.stopOne(hub.name, 'SIGTERM');
      servers.startOne(hub.name);
      await servers.waitHealthyOne(hub.name, 60_000);
      await servers.waitLinks(30_000);
    }
    await stream.acceptedAtLeast(160);
    // The whole interior cluster crashes: its R3 streams come back from the three stores.
    const interior = bus.members('shekara-interior').map((m) => m.name);
    await Promise.all(interior.map((m) => servers.stopOne(m, 'SIGKILL')));
    await stream.acceptedAtLeast(200);
    for (const m of interior) servers.startOne(m);
    for (const m of interior) await servers.waitHealthyOne(m, 60_000);
    await servers.waitLinks(30_000);
    await stream.finished();

    const result = await account(sys, stream);
    console.log('nats cluster restarts:', JSON.stringify({ ...result, orphans: result.orphans.length }));
    expectEveryAttemptAccepted(sys, stream, result);
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

/**
 * The isolation matrix against private servers started from the generated configuration (hub plus
 * one leaf server per agency): every identity x every act, generated from config/bus.json, with
 * the outcome the topology implies. Then hand-written cases that do not go through the matrix code,
 * so a bug there cannot hide a hole.
 */
import { connect, nkeyAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { createUser } from '@nats-io/nkeys';
import { Socket } from 'node:net';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusNames, RpcMethod } from '@shekara/contracts';
import { connectBus, ensureStreams } from '@shekara/messaging';
import { PassThrough } from 'node:stream';
import { main } from '../../apps/cli/src/main';
import { holes, renderMatrix, type ActResult } from '../../apps/cli/src/bus/matrix';
import { startPrivateBus, type PrivateBus } from './support';

jest.setTimeout(120_000);

let pb: PrivateBus;
let matrix: ActResult[];
const names = new BusNames('shekara');

let checkExit: number;

beforeAll(async () => {
  pb = await startPrivateBus();
  // Through the operator command itself: `shekara bus check --bus DIR --json`.
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c.toString()));
  checkExit = await main(['bus', 'check', '--bus', pb.dir, '--json'], { stdout, stderr: process.stderr, now: () => new Date(0) });
  matrix = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as ActResult);
});

afterAll(async () => {
  await pb?.stop();
});

describe('the generated matrix', () => {
  it('finds no hole: every forbidden act fails and every allowed act works', () => {
    const bad = holes(matrix);
    if (bad.length) throw new Error(`holes:\n${renderMatrix(bad)}`);
    expect(bad).toEqual([]);
    expect(checkExit).toBe(0);
    expect(matrix.length).toBeGreaterThan(800);
  });

  it('covers every identity of the topology with every kind of forbidden act', () => {
    const identities = pb.bus.manifest.identities.map((i) => i.name);
    expect(identities.sort()).toEqual(['border-node', 'customs-node', 'interior-node', 'operator', 'scheduler', 'supervisor']);
    for (const id of identities) {
      for (const act of ['subscribe', 'publish-as', 'publish-dlq', 'rpc-call', 'js-stream-info', 'js-stream-purge', 'js-stream-delete', 'js-consumer-info', 'js-consumer-create', 'js-consumer-delete', 'js-msg-next']) {
        const rows = matrix.filter((r) => r.actor === id && r.act === act && r.expect === 'denied');
        expect({ id, act, rows: rows.length > 0 }).toEqual({ id, act, rows: true });
      }
    }
    for (const s of pb.bus.manifest.servers) {
      for (const act of ['connect-anonymous', 'connect-wrong-nkey', 'connect-plaintext']) expect(matrix.some((r) => r.act === act && r.target === s.name && r.outcome === 'denied')).toBe(true);
    }
  });

  it('includes the allowed acts, each with evidence', () => {
    const allowed = (act: string) => matrix.filter((r) => r.act === act && r.expect === 'allowed' && r.outcome === 'allowed');
    expect(allowed('send-envelope')).toHaveLength(6); // each agency to the two others
    expect(allowed('publish-audit')).toHaveLength(3);
    expect(allowed('rpc-call')).toHaveLength(9); // scheduler: 2 methods x 3 nodes + 3 supervisor methods
    expect(allowed('consume-and-ack').map((r) => r.actor).sort()).toEqual(['border-node', 'customs-node', 'interior-node', 'supervisor']);
    for (const r of allowed('rpc-call')) expect(r.detail).toContain('handler saw caller scheduler');
  });
});

describe('hand-written cases', () => {
  const open: NatsConnection[] = [];
  const as = async (identity: string) => {
    const { nc } = await connectBus(pb.bus, identity, { persistent: false });
    open.push(nc);
    return nc;
  };
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  });

  it('refuses anonymous, wrong-key and plaintext connections', async () => {
    const ca = { caFile: pb.bus.path(pb.bus.manifest.caFile) };
    for (const server of [pb.bus.hub().name, 'shekara-interior']) {
      const url = pb.bus.url(server);
      await expect(connect({ servers: [url], tls: ca, reconnect: false, timeout: 3000 })).rejects.toThrow(/Authorization Violation/i);
      await expect(connect({ servers: [url], tls: ca, reconnect: false, timeout: 3000, authenticator: nkeyAuthenticator(createUser().getSeed()) })).rejects.toThrow(/Authorization Violation/i);
    }
    // The border node's real key does not open interior's server.
    await expect(connect({ servers: [pb.bus.url('shekara-interior')], tls: ca, reconnect: false, timeout: 3000, authenticator: nkeyAuthenticator(pb.bus.seed('border-node')) })).rejects.toThrow(/Authorization Violation/i);
    // A client that does not start TLS gets an error and no PONG.
    const port = pb.bus.server('shekara-border').clientPort;
    const reply = await new Promise<string>((resolve) => {
      const s = new Socket();
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString();
        if (buf.startsWith('INFO') && !buf.includes('CONNECT-SENT')) {
          buf += 'CONNECT-SENT';
          s.write('CONNECT {"verbose":false,"tls_required":false}\r\nPING\r\n');
        }
      });
      s.on('close', () => resolve(buf));
      s.on('error', () => resolve(buf));
      s.connect(port, '127.0.0.1');
      setTimeout(() => s.destroy(), 3000);
    });
    expect(reply).toContain('"tls_required":true');
    expect(reply).not.toContain('PONG');
  });

  it('refuses a leaf server whose certificate the provisioning CA did not sign, even named as interior\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rogue-leaf-'));
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    /** Starts a leaf with a certificate CN=shekara-interior signed by caKey; returns the hub's leaf links meanwhile. */
    const linksWithLeafSignedBy = async (caPem: string, caKey: string) => {
      sh(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=shekara-interior']);
      sh(['x509', '-req', '-in', 'leaf.csr', '-CA', caPem, '-CAkey', caKey, '-set_serial', String(Date.now()), '-out', 'leaf.pem', '-days', '2']);
      const conf = join(dir, 'rogue.conf');
      const tls = `tls: { cert_file: "${join(dir, 'leaf.pem')}", key_file: "${join(dir, 'leaf.key')}", ca_file: "${pb.bus.path(pb.bus.manifest.caFile)}" }`;
      writeFileSync(conf, `listen: "127.0.0.1:-1"\naccounts { INTERIOR { users: [ { user: x, password: y } ] } }\nleafnodes { remotes: [ { url: "tls://127.0.0.1:${pb.bus.hub().leafnodesPort}", account: INTERIOR, ${tls} } ] }\n`);
      const rogue = spawn('/usr/sbin/nats-server', ['-c', conf], { stdio: 'ignore' });
      try {
        await new Promise((r) => setTimeout(r, 2500));
        expect(rogue.exitCode).toBeNull();
        return await pb.servers.hubLeafLinks();
      } finally {
        rogue.kill('SIGKILL');
        await new Promise((r) => rogue.once('exit', r));
      }
    };
    try {
      sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'rogue-ca.key', '-out', 'rogue-ca.pem', '-days', '2', '-subj', '/CN=rogue CA']);
      expect(await linksWithLeafSignedBy(join(dir, 'rogue-ca.pem'), join(dir, 'rogue-ca.key'))).toBe(3);
      // Control: the same leaf signed by the provisioning CA gets in, so the count above means something.
      expect(await linksWithLeafSignedBy(pb.bus.path(pb.bus.manifest.caFile), join(pb.dir, 'ca-private', 'ca.key'))).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await pb.servers.waitLinks();
  });

  it('border sends to interior as itself; interior reads and acks it with the sender in the subject; the receipt returns', async () => {
    const border = await as('border-node');
    const interior = await as('interior-node');
    const ijsm = await jetstreamManager(interior);
    const bjsm = await jetstreamManager(border);
    await ensureStreams(ijsm, [names.inboxFromStream('interior')], { replicas: 1, duplicateWindowMs: 60_000 });
    await ensureStreams(bjsm, [names.inboxFromStream('border')], { replicas: 1, duplicateWindowMs: 60_000 });

    const ack = await jetstream(border).publish(names.inboxFrom('interior', 'border'), 'report-1', { msgID: 'hand-report-1' });
    expect(ack.stream).toBe(names.inboxFromStream('interior').name);
    expect(ack.domain).toBe('interior');

    await ijsm.consumers.add(names.inboxFromStream('interior').name, { durable_name: 'hand', ack_policy: AckPolicy.Explicit, filter_subject: 'shekara.inbox.interior.from.*' });
    const c = await jetstream(interior).consumers.get(names.inboxFromStream('interior').name, 'hand');
    const m = await c.next({ expires: 3000 });
    expect(m).not.toBeNull();
    const seen = (await readAll(ijsm, names.inboxFromStream('interior').name)).find((x) => x.data === 'report-1');
    expect(seen?.subject).toBe('shekara.inbox.interior.from.border');
    expect(names.inboxSender(m!.subject, 'interior')).toBeDefined();
    await m!.ackAck();

    const receipt = await jetstream(interior).publish(names.inboxFrom('border', 'interior'), 'receipt-1', { msgID: 'hand-receipt-1' });
    expect(receipt.domain).toBe('border');
  });

  it('customs cannot put a message into interior\'s inbox as border, nor as interior', async () => {
    const customs = await as('customs-node');
    const interior = await as('interior-node');
    for (const subject of [names.inboxFrom('interior', 'border'), 'shekara.inbox.interior.from.interior']) {
      await expect(jetstream(customs).publish(subject, `forged-${subject}`, { timeout: 1500 })).rejects.toThrow();
    }
    // Interior's own node cannot fake a sender into its own inbox either.
    await expect(jetstream(interior).publish(names.inboxFrom('interior', 'customs'), 'self-forged', { timeout: 1500 })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    const stored = await readAll(await jetstreamManager(interior), names.inboxFromStream('interior').name);
    expect(stored.filter((x) => x.data.startsWith('forged') || x.data === 'self-forged')).toEqual([]);
  });

  it('border cannot read, purge or delete interior\'s stream through interior\'s domain', async () => {
    const border = await as('border-node');
    const interior = await as('interior-node');
    const stream = names.inboxFromStream('interior').name;
    const before = (await (await jetstreamManager(interior)).streams.info(stream)).state.messages;
    expect(before).toBeGreaterThan(0);
    await expect(jetstreamManager(border, { domain: 'interior', timeout: 1500 })).rejects.toThrow(/Permissions Violation/);
    const foreign = await jetstreamManager(border, { domain: 'interior', timeout: 1500, checkAPI: false });
    await expect(foreign.streams.info(stream)).rejects.toThrow();
    await expect(foreign.streams.purge(stream)).rejects.toThrow();
    await expect(foreign.streams.delete(stream)).rejects.toThrow();
    // Its own account's API does not know interior's stream at all.
    await expect((await jetstreamManager(border)).streams.purge(stream)).rejects.toThrow(/not found/i);
    expect((await (await jetstreamManager(interior)).streams.info(stream)).state.messages).toBe(before);
  });

  it('the scheduler\'s RPC reaches the border node, which learns the caller from the routed subject', async () => {
    const border = await as('border-node');
    const scheduler = await as('scheduler');
    const seen: string[] = [];
    border.subscribe(names.rpcHandlerSubject('border'), {
      callback: (_e, m) => {
        seen.push(m.subject);
        m.respond(JSON.stringify(names.rpcRoute(m.subject, 'border')));
      },
    });
    await border.flush();
    // The handler's interest reaches the hub over border's leaf link a moment after the flush: ask
    // until it is there (a loaded machine may take seconds).
    const ask = async (tries = 10): Promise<Awaited<ReturnType<typeof scheduler.request>>> => {
      try {
        return await scheduler.request(names.rpcFrom('border', 'scheduler', RpcMethod.Notify), '{"caller":"supervisor"}', { timeout: 2000 });
      } catch (e) {
        if (tries <= 1) throw e;
        await new Promise((r) => setTimeout(r, 300));
        return ask(tries - 1);
      }
    };
    const r = await ask();
    expect(JSON.parse(r.string())).toEqual({ caller: 'scheduler', method: 'notify' });
    expect(new Set(seen)).toEqual(new Set(['shekara.rpc.border.from.scheduler.notify']));
    // Interior cannot call it, as itself or as the scheduler; the supervisor cannot answer it.
    const interior = await as('interior-node');
    await expect(interior.request(names.rpcFrom('border', 'scheduler', RpcMethod.Notify), 'x', { timeout: 1000 })).rejects.toThrow();
    await expect(interior.request(names.rpcFrom('border', 'interior-node', RpcMethod.Notify), 'x', { timeout: 1000 })).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it('customs cannot read another identity\'s replies', async () => {
    const customs = await as('customs-node');
    const errors: string[] = [];
    customs.subscribe('_INBOX_border-node.>', { callback: (e) => void (e && errors.push(e.message)) });
    customs.subscribe('_INBOX.>', { callback: (e) => void (e && errors.push(e.message)) });
    await customs.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.join('\n')).toMatch(/Permissions Violation for Subscription to "_INBOX_border-node.>"/);
    expect(errors.join('\n')).toMatch(/Permissions Violation for Subscription to "_INBOX.>"/);
  });

  it('audit batches of interior reach the ledger, under interior\'s subject only', async () => {
    const interior = await as('interior-node');
    const supervisor = await as('supervisor');
    await ensureStreams(await jetstreamManager(supervisor), [names.auditStream()], { replicas: 1, duplicateWindowMs: 60_000 });
    const ack = await jetstream(interior).publish(names.auditBatchSubject('interior'), 'batch-1', { msgID: 'hand-batch-1' });
    expect(ack.domain).toBe('hub');
    await expect(jetstream(interior).publish(names.auditBatchSubject('border'), 'batch-forged', { timeout: 1500 })).rejects.toThrow();
    const stored = await readAll(await jetstreamManager(supervisor), names.auditStream().name);
    expect(stored.find((x) => x.data === 'batch-1')?.subject).toBe('shekara.audit.interior.batch');
    expect(stored.find((x) => x.data === 'batch-forged')).toBeUndefined();
    // The supervisor reads audit only: it cannot publish to it.
    await expect(jetstream(supervisor).publish(names.auditBatchSubject('interior'), 'by-supervisor', { timeout: 1500 })).rejects.toThrow();
  });
});

async function readAll(jsm: Awaited<ReturnType<typeof jetstreamManager>>, stream: string): Promise<Array<{ subject: string; data: string }>> {
  const info = await jsm.streams.info(stream);
  const out: Array<{ subject: string; data: string }> = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) out.push({ subject: m.subject, data: m.string() });
  }
  return out;
}

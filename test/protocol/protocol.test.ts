/**
 * Issue #20 on one running interior node (TestSystem), played by outsiders as the border node:
 * - item 3: `shekara conformance` — every case that can be played from outside passes (accepted
 *   envelopes answered with a verified DELIVERED receipt, refused ones dead-lettered with their
 *   reason code, REJECTED receipts where the sender can be told);
 * - item 4: the second implementation (examples/python-client, Debian's python3-protobuf and
 *   python3-nacl) checks the vectors, then signs and sends reports that the node stores, and verifies
 *   the node's signed receipts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { jetstreamManager } from '@nats-io/jetstream';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { DEAD_LETTER_REASONS, deadLetterReasonOf } from '@shekara/contracts';
import { DeadLetterHeader, closeConnection, connectBus, ensureOwnStreams } from '@shekara/messaging';
import { BusNames } from '@shekara/contracts';
import { InboxChecks } from '@shekara/agency-node';
import { startPrivateBus, type PrivateBus } from '../bus/support';
import { loadDirectory, readAuthorityPublicKey } from '@shekara/directory';
import { main as cli } from '../../apps/cli/src/main';
import { pickUnits } from '../../apps/cli/src/conformance/cases';
import { TestSystem } from '../support/harness';

/** The machine's plain NATS server (the conformance command's connection errors are tested against it and a closed port). */
const NATS_URL = 'nats://127.0.0.1:4222';

jest.setTimeout(120_000);

const sys = new TestSystem();

beforeAll(async () => {
  await sys.start(['interior']);
  // Border's inbox stream in its own domain, as its node makes it (only interior runs here): the
  // conformance command and the Python client read interior's receipts from it.
  const conn = await connectBus(sys.bus.bus, 'border-node', { persistent: false });
  try {
    await ensureOwnStreams(sys.bus.bus, conn, { replicas: 1, duplicateWindowMs: 60_000 }, { ackWaitMs: 5_000 });
  } finally {
    await closeConnection(conn.nc);
  }
});
afterAll(async () => {
  await sys.cleanup();
});

async function conformance(...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await cli(
    [
      'conformance',
      '--node', sys.url('interior'),
      '--user', 'interior.admin',
      '--password', DEMO_PASSWORD,
      '--agency', 'interior',
      ...borderBus(),
      '--as', 'border',
      '--keys', sys.files.keyPaths.border,
      '--directory', sys.files.directoryPath,
      '--prefix', sys.runId,
      '--inbox-subject', sys.names.inboxFrom('interior', 'border'),
      '--receipts-subject', sys.names.inboxFrom('border', 'interior'),
      '--timeout-ms', '20000',
      ...extra,
    ],
    { stdout, stderr, now: () => new Date() },
  );
  return { code, out, err };
}

/** The border node's connection on the per-agency bus: its server, the CA, its nkey seed file, its inbox prefix. */
function borderBus(): string[] {
  const bus = sys.bus.bus;
  const id = bus.identity('border-node');
  return ['--nats', bus.url(id.server), '--ca', bus.path(bus.manifest.caFile), '--nkey', bus.path(id.seedFile), '--inbox-prefix', id.inboxPrefix];
}

/** The same for the Python client (its option names). */
function pythonBus(): string[] {
  const bus = sys.bus.bus;
  const id = bus.identity('border-node');
  return ['--nats', bus.url(id.server), '--ca', bus.path(bus.manifest.caFile), '--nkey-seed', bus.path(id.seedFile), '--inbox-prefix', id.inboxPrefix];
}

describe('shekara conformance', () => {
it('passes every case against an interior node, as the border node', async () => {
  const before = (await sys.sql('interior', 'SELECT count(*)::int AS n FROM messages'))[0].n;
  const { code, out, err } = await conformance();
  expect(err).toBe('');
  const lines = out.split('\n');
  expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  for (const name of ['single-signature', 'batch-of-5-middle', 'flipped-signature-bit', 'batch-size-changed', 'empty-summary', 'created-in-the-future', 'not-addressed-here'])
    expect(lines.some((l) => l.startsWith(`PASS  ${name} `))).toBe(true);
  expect(lines.filter((l) => l.startsWith('SKIP')).map((l) => l.split(/\s+/)[1]).sort()).toEqual(expect.arrayContaining(['expired-key', 'key-not-yet-valid', 'revoked-key']));
  expect(out).toMatch(/\d+ passed, 0 failed/);
  expect(code).toBe(0);
  // Nothing refused was stored: only the accepted cases' reports are at the node.
  const stored = await sys.sql('interior', 'SELECT count(*)::int AS n FROM messages');
  const passedOk = lines.filter((l) => l.startsWith('PASS') && l.includes(' accepted')).length;
  expect(stored[0].n - before).toBe(passedOk);
  // Every dead letter states its code alone too (Shekara-Reason-Code), the one its reason starts with.
  // Read as interior's node identity (its own dead-letter stream, closed with the test bus).
  const nc = await sys.connectAs('interior-node');
  const jsm = await jetstreamManager(nc);
  const stream = sys.names.ownDeadLetterStream('interior').name;
  const { state } = await jsm.streams.info(stream);
  const codes: string[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = (await jsm.streams.getMessage(stream, { seq }))!;
    const code = m.header.get(DeadLetterHeader.ReasonCode);
    expect(code).toBe(deadLetterReasonOf(m.header.get(DeadLetterHeader.Reason)));
    codes.push(code);
  }
  expect(codes.length).toBeGreaterThanOrEqual(lines.filter((l) => l.startsWith('PASS') && l.includes(' refused')).length);
  expect(codes.every((c) => (DEAD_LETTER_REASONS as string[]).includes(c))).toBe(true);
});

it('a refused sign-in, a missing key file or no bus: exit 1 with the reason, no stack', async () => {
  const wrong = await conformance('--password', 'not-the-password');
  expect(wrong.code).toBe(1);
  expect(wrong.err).toMatch(/^shekara conformance: signing in to http:\/\/127\.0\.0\.1:\d+ as interior\.admin failed: HTTP 401\n$/);
  const noKeys = await conformance('--keys', '/nonexistent/keys.json');
  expect(noKeys.code).toBe(1);
  expect(noKeys.err).toMatch(/^shekara conformance: .*\/nonexistent\/keys\.json/);
  const russian = await conformance('--password', 'not-the-password', '--lang', 'ru');
  expect(russian.err).toMatch(/^shekara conformance: вход на http:\/\/127\.0\.0\.1:\d+ как interior\.admin не удался: HTTP 401\n$/);
  const noBus = await conformance('--nats', 'nats://127.0.0.1:1');
  expect(noBus.code).toBe(1);
  expect(noBus.err).toMatch(/^shekara conformance: cannot connect to the bus at nats:\/\/127\.0\.0\.1:1: /);
});

it('bad usage: exit 64 with the reason, nothing sent', async () => {
  const { code, err } = await conformance('--as', 'interior');
  expect(code).toBe(64);
  expect(err).toContain('--as must be another agency than --agency');
});
});

const ROOT = join(__dirname, '../..');
const CLIENT = join(ROOT, 'examples/python-client/shekara_client.py');

/** Debian's python3 with python3-protobuf and python3-nacl (another python3 on PATH may lack them). */
function python(): string {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import nacl.signing, google.protobuf'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  throw new Error('the example client needs python3 with python3-protobuf and python3-nacl: apt-get install -y python3-protobuf python3-nacl (.ci/run installs them)');
}

describe('the second implementation (examples/python-client)', () => {
  let py: string;
  let work: string;
  let descriptors: string;
  beforeAll(() => {
    py = python();
    work = mkdtempSync(join(tmpdir(), 'shekara-python-'));
    descriptors = join(work, 'shekara.binpb');
    // Built from proto/ only: the client loads the messages from this descriptor set.
    const built = spawnSync(join(ROOT, 'node_modules/.bin/buf'), ['build', '-o', descriptors], { cwd: ROOT, encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const runSync = (...args: string[]) => spawnSync(py, [CLIENT, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  /** Runs the client without blocking this process (the node under test runs in it). */
  const run = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(py, [CLIENT, ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('agrees with the test vectors, and refuses a tampered one', () => {
    const good = runSync('check-vectors', '--descriptors', descriptors, join(ROOT, 'test/fixtures/vectors'));
    expect(good.stderr).toBe('');
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, batches: 3, problems: [] });
    expect(good.status).toBe(0);
    const copy = join(work, 'vectors');
    cpSync(join(ROOT, 'test/fixtures/vectors'), copy, { recursive: true });
    const signing = JSON.parse(readFileSync(join(copy, 'signing.json'), 'utf8'));
    signing.batches[1].root = signing.batches[1].root.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    writeFileSync(join(copy, 'signing.json'), JSON.stringify(signing));
    const bad = runSync('check-vectors', '--descriptors', descriptors, copy);
    expect(JSON.parse(bad.stdout).problems).toEqual(['batch 3: root']);
    expect(bad.status).toBe(1);
  });

  it('signs and sends reports that the node stores, and verifies its signed DELIVERED receipts', async () => {
    const directory = loadDirectory(sys.files.directoryPath);
    const units = pickUnits(directory, 'interior', 'border');
    const r = await run(
      'send',
      ...pythonBus(),
      '--descriptors', descriptors,
      '--directory', sys.files.directoryPath,
      '--authority-key', readAuthorityPublicKey(sys.files.authorityPublicKeyPath),
      '--keys', sys.files.keyPaths.border,
      '--sender', units.sender,
      '--recipient', units.recipient,
      '--inbox-subject', sys.names.inboxFrom('interior', 'border'),
      '--receipts-subject', sys.names.inboxFrom('border', 'interior'),
      '--receipts-stream', sys.names.inboxFromStream('border').name,
      '--count', '3',
    );
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout);
    expect(result.problems).toEqual([]);
    expect(result.sent).toHaveLength(3);
    for (const id of result.sent) expect(result.receipts[id]).toEqual({ outcome: 'DELIVERED', reason: '', signedBy: units.recipient });
    expect(r.status).toBe(0);
    const stored = await sys.sql('interior', 'SELECT id, sender_unit FROM messages WHERE id = ANY($1::uuid[])', [result.sent]);
    expect(stored.map((m) => m.sender_unit)).toEqual([units.sender, units.sender, units.sender]);
  });

  describe('on the per-agency bus (docs/bus.md): TLS, its nkey, its own inbox prefix', () => {
    let priv: PrivateBus;
    beforeAll(async () => {
      priv = await startPrivateBus();
      // The recipient's inbox stream in its own domain, as its node makes it.
      const conn = await connectBus(priv.bus, 'interior-node', { persistent: false });
      try {
        await ensureOwnStreams(priv.bus, conn, { replicas: 1, duplicateWindowMs: 60_000 }, { ackWaitMs: 5_000 });
      } finally {
        await closeConnection(conn.nc);
      }
    }, 120_000);
    afterAll(async () => priv?.stop());

    const sendAs = (identity: string, subject: string) => {
      const id = priv.bus.identity(identity);
      const units = pickUnits(loadDirectory(sys.files.directoryPath), 'interior', 'border');
      return run(
        'send', '--publish-only', '--count', '2',
        '--nats', priv.bus.url(id.server), '--ca', priv.bus.path(priv.bus.manifest.caFile), '--nkey-seed', priv.bus.path(id.seedFile), '--inbox-prefix', id.inboxPrefix,
        '--descriptors', descriptors, '--directory', sys.files.directoryPath, '--authority-key', readAuthorityPublicKey(sys.files.authorityPublicKeyPath),
        '--keys', sys.files.keyPaths.border, '--sender', units.sender, '--recipient', units.recipient,
        '--inbox-subject', subject, '--receipts-subject', 'unused',
      );
    };

    it("publishes as border-node into interior's inbox: acked from interior's domain, and what is stored passes the node's checks", async () => {
      const names = new BusNames(priv.bus.topology.prefix);
      const r = await sendAs('border-node', names.inboxFrom('interior', 'border'));
      expect(r.stderr).toBe('');
      const result = JSON.parse(r.stdout);
      expect(result.problems).toEqual([]);
      expect(result.acks).toHaveLength(2);
      const stream = names.inboxFromStream('interior').name;
      expect(result.acks.map((a: { stream: string }) => a.stream)).toEqual([stream, stream]);
      expect(r.status).toBe(0);
      const conn = await connectBus(priv.bus, 'interior-node', { persistent: false });
      try {
        const jsm = await jetstreamManager(conn.nc);
        const checks = new InboxChecks(loadDirectory(sys.files.directoryPath), 'interior', () => new Date());
        for (const { seq } of result.acks) {
          const m = (await jsm.streams.getMessage(stream, { seq }))!;
          expect(names.inboxSender(m.subject, 'interior')).toBe('border');
          expect(result.sent).toContain(checks.verify(m.data).env.messageId);
        }
      } finally {
        await closeConnection(conn.nc);
      }
    });

    it('may not publish as another agency: the server refuses it', async () => {
      const r = await sendAs('border-node', new BusNames(priv.bus.topology.prefix).inboxFrom('interior', 'customs'));
      expect(r.status).not.toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Permissions Violation for Publish/);
    });
  });

  it('refuses a directory not signed by the authority it is given', async () => {
    const r = await run(
      'send', '--nats', NATS_URL.replace('nats://', ''), '--descriptors', descriptors, '--directory', sys.files.directoryPath,
      '--authority-key', Buffer.alloc(32, 7).toString('base64'), '--keys', sys.files.keyPaths.border,
      '--sender', 'x', '--recipient', 'y', '--inbox-subject', 'a', '--receipts-subject', 'b',
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('directory signed by another key than the authority');
  });
});

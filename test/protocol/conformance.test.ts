/**
 * Issue #20 item 3: `shekara conformance` against a running node (TestSystem): every case that can
 * be played from outside passes — accepted envelopes answered with a verified DELIVERED receipt,
 * refused ones dead-lettered with their reason code (and REJECTED receipts where the origin verified).
 */
import { PassThrough } from 'node:stream';
import { DEMO_PASSWORD } from '@shekara/agency-node';
import { main as cli } from '../../apps/cli/src/main';
import { NATS_URL, TestSystem } from '../support/harness';

jest.setTimeout(120_000);

const sys = new TestSystem();

beforeAll(async () => {
  await sys.start(['interior']);
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
      '--nats', NATS_URL,
      '--as', 'border',
      '--keys', sys.files.keyPaths.border,
      '--directory', sys.files.directoryPath,
      '--prefix', sys.runId,
      // The nodes under test still consume the shared inbox names (docs/bus.md: until the wiring step).
      '--inbox-subject', sys.names.inboxSubject('interior'),
      '--receipts-subject', sys.names.inboxSubject('border'),
      '--timeout-ms', '20000',
      ...extra,
    ],
    { stdout, stderr, now: () => new Date() },
  );
  return { code, out, err };
}

it('passes every case against an interior node, as the border node', async () => {
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
  expect(stored[0].n).toBe(passedOk);
});

it('bad usage: exit 64 with the reason, nothing sent', async () => {
  const { code, err } = await conformance('--as', 'interior');
  expect(code).toBe(64);
  expect(err).toContain('--as must be another agency than --agency');
});

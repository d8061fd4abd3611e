/**
 * Issue #16 item 4 for the supervisor and the scheduler: like the nodes, they read the directory
 * only when it is signed by the configured authority (DIRECTORY_AUTHORITY_KEY). A directory forged
 * with another authority key, or stripped of its signature, stops them before they connect to
 * anything; the genuine one gets the supervisor past that step (to the next, which fails here on
 * purpose: no database listens on port 1).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLogger } from '@shekara/common';
import { DirectoryErrorCode, ensureDirectoryFiles, generateAuthorityKey, readAuthorityPublicKey, signDirectory } from '@shekara/directory';
import type { DirectoryError } from '@shekara/directory';
import { startSupervisor } from '../../apps/supervisor/src/bootstrap';
import { EXPORT_XLSX_MAX_ROWS_DEFAULT } from '../../apps/supervisor/src/config';
import { startScheduler } from '../../apps/scheduler/src/bootstrap';

jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'shekara-authority-'));
const files = ensureDirectoryFiles(dir);
const authorityKey = readAuthorityPublicKey(files.authorityPublicKeyPath);
const genuine = readFileSync(files.directoryPath, 'utf8');
const forgedPath = join(dir, 'forged.json');
const unsignedPath = join(dir, 'unsigned.json');
// The genuine content with one more group member would be the attacker's aim; signed with their own key.
const content = (JSON.parse(genuine) as { directory: Parameters<typeof signDirectory>[0] }).directory;
writeFileSync(forgedPath, JSON.stringify(signDirectory(content, 99, new Date(), generateAuthorityKey().key)));
writeFileSync(unsignedPath, JSON.stringify(content));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nowhere = { kind: 'plain' as const, servers: ['nats://127.0.0.1:1'], identity: 'x' };
const logger = new JsonLogger('authority-test', 'silent');

const supervisor = (directoryPath: string) =>
  startSupervisor(
    {
      databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
      nats: { ...nowhere, identity: 'supervisor' },
      busPrefix: 'authority',
      streamReplicas: 1,
      http: { host: '127.0.0.1', port: 0 },
      jwt: { secret: 'authority-test-0123456789abcdef0123456789', ttlSeconds: 900 },
      directoryPath,
      directoryAuthorityKey: authorityKey,
      logLevel: 'silent',
      bus: { ackWaitMs: 5000 },
      demoUsers: false,
      webDir: join(dir, 'no-web'),
      exports: { xlsxMaxRows: EXPORT_XLSX_MAX_ROWS_DEFAULT },
    },
    { logger },
  );

const scheduler = (directoryPath: string) =>
  startScheduler(
    {
      redisUrl: 'redis://127.0.0.1:1',
      queuePrefix: 'authority',
      nats: { ...nowhere, identity: 'scheduler' },
      busPrefix: 'authority',
      directoryPath,
      directoryAuthorityKey: authorityKey,
      logLevel: 'silent',
      http: { host: '127.0.0.1', port: 0 },
      sweepEveryMs: 1000,
      escalationHorizonS: 600,
      rpcTimeoutMs: 1000,
      concurrency: 1,
    },
    { logger, catchUp: false },
  );

const codeOf = async (start: Promise<unknown>) => {
  try {
    await start;
    return 'started';
  } catch (e) {
    return (e as DirectoryError).code ?? (e as Error).message;
  }
};

describe.each([
  ['supervisor', supervisor],
  ['scheduler', scheduler],
])('the %s and the directory authority', (_name, start) => {
  it('refuses a directory signed by another authority key, and an unsigned one', async () => {
    expect(await codeOf(start(forgedPath))).toBe(DirectoryErrorCode.DIRECTORY_SIGNATURE);
    expect(await codeOf(start(unsignedPath))).toBe(DirectoryErrorCode.DIRECTORY_SIGNATURE);
  });

});

it('the supervisor gets past the directory with the genuine one (and then fails on the unreachable database)', async () => {
  const outcome = await codeOf(supervisor(files.directoryPath));
  expect(outcome).not.toBe(DirectoryErrorCode.DIRECTORY_SIGNATURE);
  expect(outcome).toMatch(/ECONNREFUSED/);
});

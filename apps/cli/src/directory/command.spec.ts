import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRefusal, ensureDirectoryFiles, loadAgencyKeys, loadSignedDirectory, readAuthorityPublicKey, type DirectoryFiles } from '@shekara/directory';
import { EXIT_USAGE, main } from '../main';
import { parseDirectoryArgs } from './command';

const NOW = new Date('2026-07-01T10:00:00Z');

async function run(argv: string[], now = NOW) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await main(argv, { stdout, stderr, now: () => now });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

let dir: string;
let files: DirectoryFiles;
let common: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'directory-cli-'));
  files = ensureDirectoryFiles(dir, { issuedAt: new Date('2026-06-01T00:00:00Z') });
  common = ['--directory', files.directoryPath, '--authority', files.authorityKeyPath];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const current = () => loadSignedDirectory(files.directoryPath, readAuthorityPublicKey(files.authorityPublicKeyPath));
const UNIT = 'customs.l4.CP-CN-A-01';

describe('shekara directory', () => {
  it('rotates a key: add-key (private half into the agency file), retire-key, each a new signed version', async () => {
    const [oldKey] = current().directory.unit(UNIT).keys;
    const added = await run(['directory', 'add-key', ...common, '--unit', UNIT, '--keys', files.keyPaths.customs, '--not-before', '2026-07-01T12:00:00Z']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/added key customs\.l4\.CP-CN-A-01#\S{16} to customs\.l4\.CP-CN-A-01, valid from 2026-07-01T12:00:00.000Z/);
    expect(added.stdout).toContain('version 2 signed by authority#');
    const v2 = current();
    expect(v2.version).toBe(2);
    expect(v2.issuedAt).toBe(NOW.toISOString());
    const newKey = v2.directory.unit(UNIT).keys[1];
    expect(statSync(files.keyPaths.customs).mode & 0o777).toBe(0o600);
    expect(loadAgencyKeys(files.keyPaths.customs, 'customs', v2.directory).has(newKey.keyId)).toBe(true);

    const retired = await run(['directory', 'retire-key', ...common, '--key', oldKey.keyId, '--not-after', '2026-07-02T00:00:00Z']);
    expect(retired.code).toBe(0);
    const v3 = current();
    expect(v3.version).toBe(3);
    expect(v3.directory.keyValidAt(oldKey.keyId, new Date('2026-07-01T23:00:00Z')).ok).toBe(true);
    expect(v3.directory.keyValidAt(oldKey.keyId, new Date('2026-07-02T00:00:01Z'))).toMatchObject({ ok: false, refusal: KeyRefusal.EXPIRED });
    expect(v3.directory.signingKeyAt(UNIT, new Date('2026-07-01T13:00:00Z'))?.keyId).toBe(newKey.keyId);
  });

  it('revokes a key, and refuses a second revocation in Russian without writing anything', async () => {
    const victim = current().directory.unit('border.l4.CP-CN-A-01').keys[0];
    const ok = await run(['directory', 'revoke-key', ...common, '--key', victim.keyId, '--reason', 'keys file copied off the node']);
    expect(ok.code).toBe(0);
    const before = readFileSync(files.directoryPath, 'utf8');
    expect(current().directory.keyValidAt(victim.keyId, new Date('2026-01-01T00:00:00Z'))).toMatchObject({ ok: false, refusal: KeyRefusal.REVOKED });

    const again = await run(['directory', 'revoke-key', ...common, '--key', victim.keyId, '--reason', 'again', '--lang', 'ru']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('shekara directory revoke-key: операция с ключом отклонена: ');
    expect(again.stderr).toContain('is already revoked');
    expect(readFileSync(files.directoryPath, 'utf8')).toBe(before);
  });

  it('refuses to work on a directory not signed by the authority', async () => {
    const forged = join(dir, 'forged.json');
    const doc = JSON.parse(readFileSync(files.directoryPath, 'utf8'));
    doc.version = 1000;
    writeFileSync(forged, JSON.stringify(doc));
    const r = await run(['directory', 'sign', '--directory', forged, '--authority', files.authorityKeyPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('directory not signed by the directory authority');
    expect(JSON.parse(readFileSync(forged, 'utf8')).version).toBe(1000);
  });

  it('signs the current directory again as the next version', async () => {
    const v = current().version;
    expect((await run(['directory', 'sign', ...common])).code).toBe(0);
    expect(current().version).toBe(v + 1);
  });

  it.each([
    [['frob'], /unknown directory command "frob"/],
    [['add-key', '--directory', 'd', '--authority', 'a', '--unit', 'u'], /give exactly one of --public-key, --keys/],
    [['retire-key', '--directory', 'd', '--authority', 'a'], /--key is required/],
    [['retire-key', '--directory', 'd', '--authority', 'a', '--key', 'k', '--not-after', '2026-07-01 00:00'], /--not-after: expected an ISO 8601 instant with a zone/],
    [['revoke-key', '--directory', 'd', '--authority', 'a', '--key', 'k', '--reason', 'r', '--unit', 'u'], /--unit is not an option of this command/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDirectoryArgs(argv)).toThrow(message);
  });

  it('exits 64 on usage errors, in Russian when asked, and prints help', async () => {
    const r = await run(['directory', 'retire-key', '--directory', 'd', '--authority', 'a', '--lang', 'ru']);
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.stderr).toContain('shekara directory: --key обязателен');
    const help = await run(['directory', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('revoke-key');
  });
});

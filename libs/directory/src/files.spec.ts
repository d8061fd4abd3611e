import { sign, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENCIES } from '@shekara/contracts';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { ensureDirectoryFiles } from './files';
import { generateKeys, loadAgencyKeys, loadDirectory, requireEveryUnitKey } from './keys';
import type { DirectoryData } from './model';
import { buildDirectory } from './seed';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shekara-directory-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const writeJson = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value));

function errorOf(fn: () => unknown): DirectoryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DirectoryError) return e;
    throw e;
  }
  throw new Error('expected a DirectoryError, nothing was thrown');
}

describe('generateKeys', () => {
  it('gives every unit one Ed25519 key whose private half is in its agency set', () => {
    const { directory, privateKeys } = generateKeys(buildDirectory(), { from: new Date('2026-09-01T00:00:00Z') });
    expect(privateKeys.map((s) => s.agency)).toEqual([...AGENCIES]);
    for (const set of privateKeys) {
      const units = directory.units.filter((u) => u.agency === set.agency);
      expect(set.keys.map((k) => k.unitId)).toEqual(units.map((u) => u.id));
      expect(set.keys.map((k) => k.keyId)).toEqual(units.map((u) => u.keys[0].keyId));
    }
    expect(directory.units.every((u) => u.keys.length === 1 && u.keys[0].notBefore === '2026-09-01T00:00:00.000Z')).toBe(true);
    expect(new Set(directory.units.map((u) => u.keys[0].publicKey)).size).toBe(directory.units.length);
  });
});

describe('ensureDirectoryFiles, loadDirectory, loadAgencyKeys', () => {
  it('writes the directory and 0600 key files that reload and sign verifiably', () => {
    const files = ensureDirectoryFiles(dir);
    expect(files.directoryPath).toBe(join(dir, 'public', 'directory.json'));
    const directory = loadDirectory(files.directoryPath, readFileSync(files.authorityPublicKeyPath, 'utf8').trim());
    expect(directory.units().length).toBe(531);
    expect(statSync(files.authorityKeyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'authority')).mode & 0o777).toBe(0o700);

    for (const agency of AGENCIES) {
      expect(files.keyPaths[agency]).toBe(join(dir, 'keys', agency, 'keys.json'));
      expect(statSync(files.keyPaths[agency]).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'keys', agency)).mode & 0o777).toBe(0o700);
      const keys = loadAgencyKeys(files.keyPaths[agency], agency, directory);
      expect(keys.size).toBe(directory.units({ agency }).length);
      const [keyId, privateKey] = keys.entries().next().value!;
      const payload = Buffer.from('urgent report');
      expect(verify(null, payload, directory.publicKey(keyId)!, sign(null, payload, privateKey))).toBe(true);
    }
  });

  it('is idempotent: the second call keeps the same files and keys', () => {
    const files = ensureDirectoryFiles(dir);
    const before = [files.directoryPath, ...Object.values(files.keyPaths)].map((p) => [readFileSync(p, 'utf8'), statSync(p).mtimeMs]);
    expect(ensureDirectoryFiles(dir)).toEqual(files);
    const after = [files.directoryPath, ...Object.values(files.keyPaths)].map((p) => [readFileSync(p, 'utf8'), statSync(p).mtimeMs]);
    expect(after).toEqual(before);
  });

  it('refuses to regenerate when only some files exist', () => {
    const files = ensureDirectoryFiles(dir);
    const directoryText = readFileSync(files.directoryPath, 'utf8');
    unlinkSync(files.keyPaths.customs);
    const err = errorOf(() => ensureDirectoryFiles(dir));
    expect(err.code).toBe(DirectoryErrorCode.INCOMPLETE_FILES);
    expect(err.message).toContain(`missing ${files.keyPaths.customs}`);
    expect(readFileSync(files.directoryPath, 'utf8')).toBe(directoryText);
    expect(existsSync(files.keyPaths.customs)).toBe(false);
  });

  it('rejects a tampered directory file: bad signature, and without the signature check it names the unit and the field', () => {
    const files = ensureDirectoryFiles(dir);
    const doc = readJson<{ directory: DirectoryData }>(files.directoryPath);
    const data = doc.directory;
    const victim = data.units.findIndex((u) => u.id === 'border.l4.CP-RU-A-02');
    const other = data.units.find((u) => u.id === 'customs.l4.CP-RU-A-02')!;
    data.units[victim].keys[0].publicKey = other.keys[0].publicKey; // someone swaps in another unit's key
    writeJson(files.directoryPath, doc);

    const err = errorOf(() => loadDirectory(files.directoryPath));
    expect(err.code).toBe(DirectoryErrorCode.INVALID_DIRECTORY);
    expect(err.message).toContain(`${files.directoryPath}: units[${victim}] (border.l4.CP-RU-A-02).keys[0].keyId: expected "border.l4.CP-RU-A-02#`);
    const signed = errorOf(() => ensureDirectoryFiles(dir));
    expect(signed.code).toBe(DirectoryErrorCode.DIRECTORY_SIGNATURE);
    expect(signed.message).toContain('bad signature');
  });

  it('refuses a key file that others may read', () => {
    const files = ensureDirectoryFiles(dir);
    const directory = loadDirectory(files.directoryPath);
    chmodSync(files.keyPaths.border, 0o644);
    const err = errorOf(() => loadAgencyKeys(files.keyPaths.border, 'border', directory));
    expect(err.code).toBe(DirectoryErrorCode.KEYS_FILE_MODE);
    expect(err.message).toContain('mode 0644, expected 0600');
  });

  it('rejects a file that is not JSON', () => {
    const files = ensureDirectoryFiles(dir);
    writeFileSync(files.directoryPath, '{"format": ');
    const err = errorOf(() => loadDirectory(files.directoryPath));
    expect(err.code).toBe(DirectoryErrorCode.UNREADABLE_FILE);
    expect(err.message).toContain(`${files.directoryPath}: not JSON`);
  });

  it('rejects a private key that does not match its public key', () => {
    const files = ensureDirectoryFiles(dir);
    const directory = loadDirectory(files.directoryPath);
    const keyFile = readJson<{ keys: { keyId: string; privateKeyPkcs8: string }[] }>(files.keyPaths.border);
    const [first, second] = keyFile.keys;
    [first.privateKeyPkcs8, second.privateKeyPkcs8] = [second.privateKeyPkcs8, first.privateKeyPkcs8];
    writeJson(files.keyPaths.border, keyFile);

    const err = errorOf(() => loadAgencyKeys(files.keyPaths.border, 'border', directory));
    expect(err.code).toBe(DirectoryErrorCode.KEY_MISMATCH);
    expect(err.message).toBe(
      `private key does not match the public key in the directory: ${files.keyPaths.border}: keys[0] (${first.keyId}): ` +
        'the private key of border.l1.KZ does not match its public key in the directory',
    );
  });

  it('requires a private key for every unit of the agency (a node signs as each of them)', () => {
    const files = ensureDirectoryFiles(dir);
    const directory = loadDirectory(files.directoryPath);
    const keys = loadAgencyKeys(files.keyPaths.customs, 'customs', directory);
    expect(() => requireEveryUnitKey(keys, 'customs', directory, files.keyPaths.customs)).not.toThrow();

    const [dropped, ...rest] = [...keys.keys()];
    const partial = new Map(rest.map((k) => [k, keys.get(k)!]));
    const err = errorOf(() => requireEveryUnitKey(partial, 'customs', directory, files.keyPaths.customs));
    expect(err.code).toBe(DirectoryErrorCode.INVALID_KEYS);
    expect(err.message).toContain(`${files.keyPaths.customs}: no private key for unit ${directory.keyOwner(dropped)}`);
    expect(errorOf(() => requireEveryUnitKey(new Map(), 'customs', directory)).message).toMatch(/no private key for unit customs\.\S+ \(and \d+ other units\)/);

    // The files, too, are refused at start when a unit's key is missing.
    const keyFile = readJson<{ keys: { unitId: string }[] }>(files.keyPaths.customs);
    writeJson(files.keyPaths.customs, { ...keyFile, keys: keyFile.keys.slice(1) });
    expect(errorOf(() => ensureDirectoryFiles(dir)).message).toContain(`${files.keyPaths.customs}: no private key for unit ${keyFile.keys[0].unitId}`);
  });

  it("rejects another agency's key file and keys the directory does not know", () => {
    const files = ensureDirectoryFiles(dir);
    const directory = loadDirectory(files.directoryPath);
    expect(errorOf(() => loadAgencyKeys(files.keyPaths.customs, 'border', directory)).message).toContain(
      'agency: expected "border", got "customs"',
    );

    const { privateKeys } = generateKeys(buildDirectory());
    writeJson(files.keyPaths.interior, { format: 'shekara-keys/1', ...privateKeys[0] });
    const err = errorOf(() => loadAgencyKeys(files.keyPaths.interior, 'interior', directory));
    expect(err.code).toBe(DirectoryErrorCode.UNKNOWN_KEY);
    expect(err.message).toMatch(/keys\[0\] \(interior\.l1\.KZ#[\w-]{16}\): not in the directory/);
  });
});

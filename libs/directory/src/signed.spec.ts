import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Directory, KeyRefusal } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import { addKey, newUnitKey, retireKey, revokeKey } from './keyops';
import { generateKeys } from './keys';
import { DirectoryReloader, LiveDirectory } from './live';
import type { DirectoryData } from './model';
import { buildDirectory } from './seed';
import { canonicalJson, generateAuthorityKey, signDirectory, verifySignedDirectory } from './signed';

const { directory: data } = generateKeys(buildDirectory(), { from: new Date('2026-01-01T00:00:00Z') });
const authority = generateAuthorityKey().key;
const at = (iso: string) => new Date(iso);
const UNIT = 'border.l4.CP-CN-A-01';

function errorOf(fn: () => unknown): DirectoryError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DirectoryError) return e;
    throw e;
  }
  throw new Error('expected a DirectoryError, nothing was thrown');
}

describe('signed directory', () => {
  const doc = signDirectory(data, 3, at('2026-06-01T00:00:00Z'), authority);

  it('verifies with the authority key and gives the version and the directory', () => {
    const verified = verifySignedDirectory(JSON.parse(JSON.stringify(doc)), authority.publicKey);
    expect(verified.version).toBe(3);
    expect(verified.issuedAt).toBe('2026-06-01T00:00:00.000Z');
    expect(verified.directory.toJSON()).toEqual(data);
  });

  it('refuses a changed document, an unsigned one, one signed by another key, and a changed version', () => {
    const tampered = structuredClone(doc);
    tampered.directory.units.find((u) => u.id === UNIT)!.nameEn = 'Phishing checkpoint';
    expect(errorOf(() => verifySignedDirectory(tampered, authority.publicKey)).message).toContain('bad signature');

    const renumbered = { ...structuredClone(doc), version: 99 };
    expect(errorOf(() => verifySignedDirectory(renumbered, authority.publicKey)).code).toBe(DirectoryErrorCode.DIRECTORY_SIGNATURE);

    expect(errorOf(() => verifySignedDirectory(data, authority.publicKey)).message).toContain('not a signed directory');
    const { signature: _dropped, ...unsigned } = doc;
    expect(errorOf(() => verifySignedDirectory(unsigned, authority.publicKey)).message).toContain('unsigned');

    const other = generateAuthorityKey().key;
    const byOther = signDirectory(data, 4, at('2026-06-02T00:00:00Z'), other);
    expect(errorOf(() => verifySignedDirectory(byOther, authority.publicKey)).message).toContain(`not by the configured authority ${authority.keyId}`);
    // The attacker also names the real authority's key id: the signature itself fails.
    const forged = { ...byOther, signature: { ...byOther.signature, keyId: authority.keyId } };
    expect(errorOf(() => verifySignedDirectory(forged, authority.publicKey)).message).toContain('bad signature');
  });

  it('signs canonical JSON: key order does not matter', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }] })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
  });
});

describe('key validity and the operator commands', () => {
  const [oldKey] = data.units.find((u) => u.id === UNIT)!.keys;

  it('adds a key, retires the old one: messages created before the retirement verify, later ones are refused as expired', () => {
    const fresh = newUnitKey(UNIT);
    const added = addKey(data, UNIT, fresh.entry.publicKey, at('2026-07-01T00:00:00Z'));
    expect(added.keyId).toBe(fresh.entry.keyId);
    const retired = Directory.fromJSON(retireKey(added.data, oldKey.keyId, at('2026-07-02T00:00:00Z')));

    expect(retired.keyValidAt(oldKey.keyId, at('2026-07-01T23:59:59Z')).ok).toBe(true); // in flight
    const late = retired.keyValidAt(oldKey.keyId, at('2026-07-02T00:00:00Z'));
    expect(late).toMatchObject({ ok: false, refusal: KeyRefusal.EXPIRED });
    expect(retired.keyValidAt(added.keyId, at('2026-06-30T00:00:00Z'))).toMatchObject({ ok: false, refusal: KeyRefusal.NOT_YET_VALID });
    expect(retired.keyValidAt(added.keyId, at('2026-08-01T00:00:00Z'))).toMatchObject({ ok: true, unitId: UNIT });

    // Which key the unit signs with: the old one until the new one starts, then the new one.
    expect(retired.signingKeyAt(UNIT, at('2026-06-30T00:00:00Z'))?.keyId).toBe(oldKey.keyId);
    expect(retired.signingKeyAt(UNIT, at('2026-07-01T12:00:00Z'))?.keyId).toBe(added.keyId);
  });

  it('refuses to retire the last key of a unit, and to add a key twice', () => {
    const err = errorOf(() => retireKey(data, oldKey.keyId, at('2026-07-02T00:00:00Z')));
    expect(err.code).toBe(DirectoryErrorCode.KEY_OPERATION);
    expect(err.message).toContain(`${UNIT} would have no valid key from 2026-07-02T00:00:00.000Z: add its new key first`);
    expect(errorOf(() => addKey(data, UNIT, oldKey.publicKey)).message).toContain('already in the directory');
    expect(errorOf(() => addKey(data, 'border.l4.NOPE', oldKey.publicKey)).message).toContain('no unit border.l4.NOPE');
  });

  it('revokes a key: it verifies nothing, whatever instant a message claims', () => {
    const revoked = Directory.fromJSON(revokeKey(data, oldKey.keyId, at('2026-07-05T00:00:00Z'), 'key file stolen'));
    const check = revoked.keyValidAt(oldKey.keyId, at('2026-03-01T00:00:00Z'));
    expect(check).toMatchObject({ ok: false, refusal: KeyRefusal.REVOKED });
    expect(!check.ok && check.reason).toContain('revoked at 2026-07-05T00:00:00.000Z (key file stolen)');
    expect(revoked.signingKeyAt(UNIT, at('2026-07-06T00:00:00Z'))).toBeUndefined();
    expect(errorOf(() => revokeKey(revoked.toJSON(), oldKey.keyId, at('2026-07-06T00:00:00Z'), 'again')).message).toContain('already revoked');
    expect(errorOf(() => revokeKey(data, 'x#y', at('2026-07-06T00:00:00Z'), 'r')).message).toContain('no key x#y');
  });

  it('validates the new fields', () => {
    const bad = structuredClone(data);
    const i = bad.units.findIndex((u) => u.id === UNIT);
    bad.units[i].keys[0] = { ...bad.units[i].keys[0], notAfter: '2025-01-01T00:00:00Z' };
    expect(() => Directory.fromJSON(bad)).toThrow(`units[${i}] (${UNIT}).keys[0].notAfter: must be after notBefore`);
    bad.units[i].keys[0] = { ...oldKey, revocationReason: 'no date' };
    expect(() => Directory.fromJSON(bad)).toThrow('only a revoked key (revokedAt) has a revocation reason');
    bad.units[i].keys[0] = { ...oldKey, revokedAt: 'yesterday' };
    expect(() => Directory.fromJSON(bad)).toThrow('.revokedAt: expected an ISO 8601 UTC instant');
  });
});

describe('LiveDirectory and DirectoryReloader', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shekara-reload-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value));

  it('loads a newer signed version, refuses an older, an unsigned and a badly signed one, keeping the current', () => {
    const path = join(dir, 'directory.json');
    const v1 = signDirectory(data, 1, at('2026-06-01T00:00:00Z'), authority);
    write(path, v1);
    const live = new LiveDirectory(Directory.fromJSON(data));
    const held = live.directory;
    const reloader = new DirectoryReloader(path, authority.publicKey, verifySignedDirectory(v1, authority.publicKey), (next) => live.replace(next.directory));
    expect(reloader.check()).toEqual({ kind: 'unchanged' });

    const renamed: DirectoryData = structuredClone(data);
    renamed.units.find((u) => u.id === UNIT)!.nameEn = 'Khorgos (renamed)';
    write(path, signDirectory(renamed, 2, at('2026-06-02T00:00:00Z'), authority));
    expect(reloader.check()).toEqual({ kind: 'loaded', version: 2, previous: 1 });
    expect(held.unit(UNIT).nameEn).toBe('Khorgos (renamed)'); // the same object, now the new version
    expect(held instanceof Directory).toBe(true);

    write(path, v1); // an attacker replays the older, validly signed version
    expect(reloader.check()).toMatchObject({ kind: 'refused', code: DirectoryErrorCode.STALE_VERSION });
    write(path, data);
    expect(reloader.check()).toMatchObject({ kind: 'refused', code: DirectoryErrorCode.DIRECTORY_SIGNATURE });
    write(path, { ...signDirectory(data, 5, at('2026-06-03T00:00:00Z'), authority), version: 6 });
    expect(reloader.check()).toMatchObject({ kind: 'refused', code: DirectoryErrorCode.DIRECTORY_SIGNATURE });
    expect(reloader.version).toBe(2);
    expect(held.unit(UNIT).nameEn).toBe('Khorgos (renamed)');
  });
});

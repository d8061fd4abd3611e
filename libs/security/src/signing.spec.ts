import { generateKeyPairSync } from 'node:crypto';
import { UnitSigner, verifySignature } from './signing';
import { checkPassword, hashPassword } from './passwords';

describe('UnitSigner / verifySignature', () => {
  const a = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('ed25519');
  const signer = new UnitSigner([{ keyId: 'u1#k', unitId: 'u1', privateKey: a.privateKey }]);
  const resolve = (keyId: string) =>
    keyId === 'u1#k' ? { unitId: 'u1', publicKey: a.publicKey } : keyId === 'u2#k' ? { unitId: 'u2', publicKey: b.publicKey } : undefined;
  const data = new TextEncoder().encode('report');

  it('signs as a held unit and verifies', () => {
    const s = signer.sign('u1', data);
    expect(verifySignature(resolve, s.keyId, data, s.signature)).toEqual({ ok: true, unitId: 'u1' });
  });

  it('rejects tampered data, a wrong key and an unknown key', () => {
    const s = signer.sign('u1', data);
    expect(verifySignature(resolve, s.keyId, new TextEncoder().encode('reporT'), s.signature).ok).toBe(false);
    expect(verifySignature(resolve, 'u2#k', data, s.signature).ok).toBe(false);
    expect(verifySignature(resolve, 'nobody#k', data, s.signature)).toEqual({ ok: false, reason: 'unknown signing key "nobody#k"' });
  });

  it('refuses to sign as a unit it holds no key for', () => {
    expect(signer.canSignAs('u2')).toBe(false);
    expect(() => signer.sign('u2', data)).toThrow(/no signing key/);
  });

  it('signs with the key the directory names for now (rotation), and refuses when it names none it holds', () => {
    let current: string | undefined = 'u1#old';
    const rotating = new UnitSigner(
      [
        { keyId: 'u1#old', unitId: 'u1', privateKey: a.privateKey },
        { keyId: 'u1#new', unitId: 'u1', privateKey: b.privateKey },
      ],
      () => current,
    );
    expect(rotating.sign('u1', data).keyId).toBe('u1#old');
    current = 'u1#new';
    const s = rotating.sign('u1', data);
    expect(s.keyId).toBe('u1#new');
    expect(verifySignature((k) => (k === 'u1#new' ? { unitId: 'u1', publicKey: b.publicKey } : undefined), s.keyId, data, s.signature).ok).toBe(true);
    current = undefined; // every key of the unit revoked or expired
    expect(() => rotating.sign('u1', data)).toThrow('unit u1 has no valid key this node holds');
    current = 'u2#k'; // never sign with another unit's key
    expect(() => rotating.sign('u1', data)).toThrow(/no valid key/);
  });
});

describe('passwords', () => {
  it('hashes with argon2id and checks', async () => {
    const h = await hashPassword('correct horse');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(await checkPassword(h, 'correct horse')).toBe(true);
    expect(await checkPassword(h, 'wrong')).toBe(false);
    expect(await checkPassword('garbage', 'x')).toBe(false);
  });
});

describe('batch signatures', () => {
  const { SignatureVerifier, signBatch } = require('./signing') as typeof import('./signing');
  const a = generateKeyPairSync('ed25519');
  const signer = new UnitSigner([{ keyId: 'u1#k', unitId: 'u1', privateKey: a.privateKey }]);
  let lookups = 0;
  const resolve = (keyId: string) => {
    lookups++;
    return keyId === 'u1#k' ? { unitId: 'u1', publicKey: a.publicKey } : undefined;
  };
  const items = Array.from({ length: 20 }, (_, i) => new TextEncoder().encode(`envelope ${i}`));

  it('verifies every member of a batch with one signature check, and rejects a forged member', () => {
    const batch = signBatch(signer, 'u1', items);
    const v = new SignatureVerifier(resolve);
    lookups = 0;
    items.forEach((item, i) => expect(v.verify(batch.keyId, item, batch.signature, batch.proofs[i])).toEqual({ ok: true, unitId: 'u1' }));
    expect(lookups).toBe(1);
    const forged = v.verify(batch.keyId, new TextEncoder().encode('forged'), batch.signature, batch.proofs[0]);
    expect(forged.ok).toBe(false);
    const badSig = new Uint8Array(batch.signature);
    badSig[5] ^= 1;
    expect(v.verify(batch.keyId, items[0], badSig, batch.proofs[0]).ok).toBe(false);
  });
});

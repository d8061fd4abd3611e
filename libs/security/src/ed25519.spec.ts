import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { ed25519PrivateKeyFromSeed, ed25519PublicKeyFromRaw, ed25519RawFromSpki } from './ed25519';

describe('raw Ed25519 keys', () => {
  // RFC 8032, section 7.1, TEST 1: the seed, its public key, and the signature of the empty message.
  const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  const sig = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

  it('makes the key of a seed: the RFC 8032 public key and signature', () => {
    const key = ed25519PrivateKeyFromSeed(seed);
    expect(ed25519RawFromSpki(createPublicKey(key).export({ format: 'der', type: 'spki' }))).toEqual(pub);
    expect(sign(null, Buffer.alloc(0), key).toString('hex')).toBe(sig);
    expect(verify(null, Buffer.alloc(0), ed25519PublicKeyFromRaw(pub), Buffer.from(sig, 'hex'))).toBe(true);
  });

  it('refuses what is not 32 bytes', () => {
    expect(() => ed25519PrivateKeyFromSeed(seed.subarray(1))).toThrow(RangeError);
    expect(() => ed25519PublicKeyFromRaw(Buffer.concat([pub, Buffer.of(0)]))).toThrow(RangeError);
  });

  it('gives no raw key from the SPKI of another algorithm', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    expect(ed25519RawFromSpki(ec)).toBeNull();
    expect(ed25519RawFromSpki(Buffer.alloc(44))).toBeNull();
  });
});

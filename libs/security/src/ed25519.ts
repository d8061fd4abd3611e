import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/**
 * Raw Ed25519 keys as Node's KeyObjects: the fixed DER headers of RFC 8410, the one place they are
 * written. A PKCS#8 private key is this header then the 32-byte seed; a SubjectPublicKeyInfo, the
 * other header then the 32-byte public key.
 */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A private KeyObject from a raw 32-byte Ed25519 seed (RangeError for any other length). */
export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError(`an Ed25519 seed is 32 bytes, not ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A public KeyObject from a raw 32-byte Ed25519 public key (RangeError for any other length). */
export function ed25519PublicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new RangeError(`an Ed25519 public key is 32 bytes, not ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The raw 32 bytes of an Ed25519 key's DER SubjectPublicKeyInfo; null when it is not one. */
export function ed25519RawFromSpki(spki: Uint8Array): Buffer | null {
  const der = Buffer.from(spki);
  if (der.length !== SPKI_PREFIX.length + 32 || !der.subarray(0, SPKI_PREFIX.length).equals(SPKI_PREFIX)) return null;
  return Buffer.from(der.subarray(SPKI_PREFIX.length));
}

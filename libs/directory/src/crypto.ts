import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ed25519RawFromSpki } from '@shekara/security';
import { DirectoryError, DirectoryErrorCode } from './errors';

/** Length of a raw Ed25519 public key. */
export const ED25519_PUBLIC_KEY_BYTES = 32;

/** Key id of a unit's key: `<unitId>#<first 16 chars of base64url(sha256(raw public key))>`. */
export function keyIdFor(unitId: string, rawPublicKey: Buffer): string {
  return `${unitId}#${createHash('sha256').update(rawPublicKey).digest('base64url').slice(0, 16)}`;
}

/** Decodes strict base64 of a raw 32-byte Ed25519 public key; undefined if it is not one. */
export function decodeRawPublicKey(b64: string): Buffer | undefined {
  const raw = Buffer.from(b64, 'base64');
  // Buffer.from ignores garbage; re-encoding catches it (and non-canonical padding).
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES || raw.toString('base64') !== b64) return undefined;
  return raw;
}

/** A public KeyObject from base64 of the raw 32-byte Ed25519 key. */
export function publicKeyFromBase64(b64: string): KeyObject {
  const raw = decodeRawPublicKey(b64);
  if (!raw) {
    throw new DirectoryError(DirectoryErrorCode.INVALID_DIRECTORY, `not base64 of a raw 32-byte Ed25519 public key: "${b64}"`);
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** The raw 32 bytes of an Ed25519 key from its DER SubjectPublicKeyInfo. */
export function rawFromSpki(spki: Buffer): Buffer {
  const raw = ed25519RawFromSpki(spki);
  if (!raw) throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, 'not an Ed25519 key');
  return raw;
}

/**
 * The raw 32 bytes of an Ed25519 public (or private: its public half) KeyObject. From the DER
 * export, not JWK: a JWK export of a key made by generateKeyPair can deadlock Node 20 (see keys.ts).
 */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== 'ed25519') throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, `not an Ed25519 key (${pub.asymmetricKeyType})`);
  return rawFromSpki(pub.export({ format: 'der', type: 'spki' }));
}

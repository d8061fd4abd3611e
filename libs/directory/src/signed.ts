import { createHash, createPrivateKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { decodeRawPublicKey, publicKeyFromBase64, rawFromSpki, rawPublicKey } from './crypto';
import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import type { DirectoryData } from './model';
import { isIsoInstant } from './time';

/**
 * The directory as distributed to the nodes: the directory data with a version number, signed by
 * the directory authority (Ed25519). The authority's public key is configured in every node; its
 * private key stays with the operator. A node takes a document only if the signature verifies with
 * that key and its version is newer than the one it holds.
 *
 * The signature covers the canonical JSON (keys sorted, no spaces) of { format, version, issuedAt,
 * directory }: any change to any field, in any unit or key, breaks it.
 */
export const SIGNED_DIRECTORY_FORMAT = 'shekara-signed-directory/1';
export const AUTHORITY_KEY_FORMAT = 'shekara-directory-authority/1';

export interface SignedDirectoryDocument {
  format: typeof SIGNED_DIRECTORY_FORMAT;
  /** 1, 2, 3...: each change is a new version; nodes never go back to an older one. */
  version: number;
  /** ISO 8601 instant the version was signed. */
  issuedAt: string;
  directory: DirectoryData;
  signature: { keyId: string; value: string };
}

/** A verified document: its version and the validated directory. */
export interface SignedDirectory {
  version: number;
  issuedAt: string;
  directory: Directory;
}

/** The authority's key pair as the operator keeps it (0600). */
export interface AuthorityKey {
  keyId: string;
  /** base64 of the raw 32-byte Ed25519 public key: what nodes are configured with. */
  publicKey: string;
  privateKey: KeyObject;
}

/** Key id of an authority key: `authority#<first 16 chars of base64url(sha256(raw public key))>`. */
export function authorityKeyId(rawPublicKey: Buffer): string {
  return `authority#${createHash('sha256').update(rawPublicKey).digest('base64url').slice(0, 16)}`;
}

/** A new authority key pair and the JSON its private key file holds. */
export function generateAuthorityKey(): { key: AuthorityKey; file: Record<string, string> } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  const raw = rawFromSpki(publicKey);
  const file = { format: AUTHORITY_KEY_FORMAT, keyId: authorityKeyId(raw), publicKey: raw.toString('base64'), privateKeyPkcs8: privateKey.toString('base64') };
  return { key: parseAuthorityKey(file), file };
}

/** Parses an authority private key file (checks that its halves match). */
export function parseAuthorityKey(raw: unknown, origin = 'authority key'): AuthorityKey {
  const bad = (msg: string): never => {
    throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, `${origin}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('expected an object');
  const o = raw as Record<string, unknown>;
  if (o.format !== AUTHORITY_KEY_FORMAT) bad(`format: expected "${AUTHORITY_KEY_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (typeof o.publicKey !== 'string' || !decodeRawPublicKey(o.publicKey)) return bad('publicKey: expected base64 of a raw 32-byte Ed25519 public key');
  if (typeof o.privateKeyPkcs8 !== 'string') return bad('privateKeyPkcs8: expected a string');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(o.privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (e) {
    return bad(`privateKeyPkcs8: not a PKCS#8 DER private key (${(e as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') bad('privateKeyPkcs8: not an Ed25519 key');
  const rawPub = rawPublicKey(privateKey);
  if (rawPub.toString('base64') !== o.publicKey) bad('the private key does not match publicKey');
  if (o.keyId !== authorityKeyId(rawPub)) bad(`keyId: expected "${authorityKeyId(rawPub)}"`);
  return { keyId: authorityKeyId(rawPub), publicKey: o.publicKey, privateKey };
}

/** JSON with object keys sorted at every level and no whitespace: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function signingInput(doc: Pick<SignedDirectoryDocument, 'format' | 'version' | 'issuedAt' | 'directory'>): Buffer {
  return Buffer.from(canonicalJson({ format: doc.format, version: doc.version, issuedAt: doc.issuedAt, directory: doc.directory }), 'utf8');
}

/** Signs directory data as `version`, issued at `issuedAt` (validated first: nothing invalid is signed). */
export function signDirectory(data: DirectoryData | Directory, version: number, issuedAt: Date, authority: AuthorityKey): SignedDirectoryDocument {
  if (!Number.isSafeInteger(version) || version < 1) throw new DirectoryError(DirectoryErrorCode.INVALID_DIRECTORY, `version: expected a whole number >= 1, got ${version}`);
  const directory = (data instanceof Directory ? data : Directory.fromJSON(data, 'directory to sign')).toJSON();
  const unsigned = { format: SIGNED_DIRECTORY_FORMAT, version, issuedAt: issuedAt.toISOString(), directory } as const;
  const value = sign(null, signingInput(unsigned), authority.privateKey).toString('base64');
  return { ...unsigned, signature: { keyId: authority.keyId, value } };
}

/**
 * Checks a signed directory document against the authority's public key (base64 of the raw key):
 * an unsigned document, a bad signature or a signature by another key is refused
 * (DIRECTORY_SIGNATURE); then the directory is validated as any other.
 */
export function verifySignedDirectory(raw: unknown, authorityPublicKey: string, origin = 'signed directory'): SignedDirectory {
  const refuse = (msg: string): never => {
    throw new DirectoryError(DirectoryErrorCode.DIRECTORY_SIGNATURE, `${origin}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('expected an object');
  const o = raw as Record<string, unknown>;
  if (o.format !== SIGNED_DIRECTORY_FORMAT) return refuse(`not a signed directory (format ${JSON.stringify(o.format)}, expected "${SIGNED_DIRECTORY_FORMAT}")`);
  for (const k of Object.keys(o)) if (!['format', 'version', 'issuedAt', 'directory', 'signature'].includes(k)) refuse(`${k}: unknown field`);
  const sig = o.signature as Record<string, unknown> | undefined;
  if (typeof sig !== 'object' || sig === null || typeof sig.value !== 'string' || typeof sig.keyId !== 'string') return refuse('unsigned: no signature { keyId, value }');
  const authorityRaw = decodeRawPublicKey(authorityPublicKey);
  if (!authorityRaw) throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, `the configured authority key is not base64 of a raw 32-byte Ed25519 public key`);
  if (sig.keyId !== authorityKeyId(authorityRaw)) refuse(`signed by ${JSON.stringify(sig.keyId.slice(0, 100))}, not by the configured authority ${authorityKeyId(authorityRaw)}`);
  if (typeof o.version !== 'number' || !Number.isSafeInteger(o.version) || o.version < 1) refuse(`version: expected a whole number >= 1, got ${JSON.stringify(o.version)}`);
  if (!isIsoInstant(o.issuedAt)) refuse(`issuedAt: expected an ISO 8601 UTC instant, got ${JSON.stringify(o.issuedAt)}`);
  const signature = Buffer.from(sig.value, 'base64');
  const input = signingInput(o as unknown as SignedDirectoryDocument);
  if (signature.length !== 64 || !verify(null, input, publicKeyFromBase64(authorityPublicKey), signature)) refuse('bad signature: the document was changed or not signed by the authority');
  return { version: o.version as number, issuedAt: o.issuedAt as string, directory: Directory.fromJSON(o.directory, `${origin}: directory`) };
}

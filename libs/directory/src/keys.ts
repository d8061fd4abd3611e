import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { AGENCIES, type AgencyCode } from '@shekara/contracts';
import { decodeRawPublicKey, keyIdFor, rawFromSpki, rawPublicKey } from './crypto';
import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import type { DirectoryData } from './model';
import { parseDirectoryData } from './validate';
import { SIGNED_DIRECTORY_FORMAT, verifySignedDirectory, type SignedDirectory } from './signed';

/** One agency's private keys: what `keys/<agency>.json` holds (besides its `format`). */
export interface AgencyKeySet {
  agency: AgencyCode;
  keys: AgencyPrivateKey[];
}

export interface AgencyPrivateKey {
  keyId: string;
  unitId: string;
  /** base64 of the PKCS#8 DER encoding of the Ed25519 private key. */
  privateKeyPkcs8: string;
}

export const KEYS_FORMAT = 'shekara-keys/1';

export interface GeneratedKeys {
  /** The public directory: the input with one fresh public key per unit. */
  directory: DirectoryData;
  /** The matching private keys, one set per agency (in AGENCIES order). */
  privateKeys: AgencyKeySet[];
}

/**
 * Creates one Ed25519 key pair per unit. The keys a unit had before are replaced. `from` (optional)
 * is recorded as the keys' start of use; it is never taken from the system clock here.
 */
export function generateKeys(source: DirectoryData | Directory, options: { from?: Date } = {}): GeneratedKeys {
  const directory = source instanceof Directory ? source.toJSON() : parseDirectoryData(source, 'directory to key');
  const privateKeys = AGENCIES.map((agency): AgencyKeySet => ({ agency, keys: [] }));
  for (const unit of directory.units) {
    // Encoded by the key generation itself: exporting a KeyObject made by generateKeyPair (as JWK)
    // can deadlock Node 20 when a GC during the export destroys the finished generation job, which
    // takes the same key's lock.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    });
    const raw = rawFromSpki(publicKey);
    const keyId = keyIdFor(unit.id, raw);
    unit.keys = [{ keyId, publicKey: raw.toString('base64'), ...(options.from && { notBefore: options.from.toISOString() }) }];
    privateKeys[AGENCIES.indexOf(unit.agency)].keys.push({ keyId, unitId: unit.id, privateKeyPkcs8: privateKey.toString('base64') });
  }
  return { directory, privateKeys };
}

/** Reads and parses a JSON file; DirectoryError(UNREADABLE_FILE) if it cannot. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DirectoryError(DirectoryErrorCode.UNREADABLE_FILE, `${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DirectoryError(DirectoryErrorCode.UNREADABLE_FILE, `${path}: not JSON (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Reads `directory.json` and validates it strictly. Given the authority's public key, the file must
 * be a signed directory that verifies with it (loadSignedDirectory). Without one, a signed document's
 * directory is read WITHOUT checking its signature (also a plain directory file): for tools and
 * services that hold no private key and sign nothing on the directory's word.
 */
export function loadDirectory(path: string, authorityPublicKey?: string): Directory {
  if (authorityPublicKey !== undefined) return loadSignedDirectory(path, authorityPublicKey).directory;
  const raw = readJsonFile(path);
  const signed = typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === SIGNED_DIRECTORY_FORMAT;
  return Directory.fromJSON(signed ? (raw as { directory: unknown }).directory : raw, path);
}

/** Reads a signed directory document and verifies it with the authority's public key (base64). */
export function loadSignedDirectory(path: string, authorityPublicKey: string): SignedDirectory {
  return verifySignedDirectory(readJsonFile(path), authorityPublicKey, path);
}

/**
 * Reads an agency's private key file and checks it against the directory: every key id must be in
 * the directory, owned by the named unit of this agency, and the private key must match that public
 * key (KEY_MISMATCH otherwise). Returns key id → private KeyObject.
 */
export function loadAgencyKeys(path: string, agency: AgencyCode, directory: Directory): Map<string, KeyObject> {
  return parseAgencyKeys(readAgencyKeysFile(path), agency, directory, path);
}

/** Reads a private key file, refusing one that others than its owner may read or write (not 0600/0400). */
export function readAgencyKeysFile(path: string): unknown {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (e) {
    throw new DirectoryError(DirectoryErrorCode.UNREADABLE_FILE, `${path}: ${(e as Error).message}`, { cause: e });
  }
  if (mode & 0o077) throw new DirectoryError(DirectoryErrorCode.KEYS_FILE_MODE, `${path}: mode ${mode.toString(8).padStart(4, '0')}, expected 0600 (chmod 600 ${path})`);
  return readJsonFile(path);
}

/** loadAgencyKeys() for already-parsed JSON. */
export function parseAgencyKeys(raw: unknown, agency: AgencyCode, directory: Directory, origin = 'keys'): Map<string, KeyObject> {
  const bad = (path: string, msg: string): never => {
    throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, `${origin}: ${path}: ${msg}`);
  };
  const top = isObject(raw) ? raw : bad('(root)', 'expected an object');
  for (const k of Object.keys(top)) if (!['format', 'agency', 'keys'].includes(k)) bad(k, 'unknown field');
  if (top.format !== KEYS_FORMAT) bad('format', `expected "${KEYS_FORMAT}", got ${JSON.stringify(top.format)}`);
  if (top.agency !== agency) bad('agency', `expected "${agency}", got ${JSON.stringify(top.agency)}`);
  const entries = Array.isArray(top.keys) ? top.keys : bad('keys', 'expected an array');

  const result = new Map<string, KeyObject>();
  entries.forEach((entry: unknown, i: number) => {
    const path = `keys[${i}]`;
    const e = isObject(entry) ? entry : bad(path, 'expected an object');
    for (const k of Object.keys(e)) if (!['keyId', 'unitId', 'privateKeyPkcs8'].includes(k)) bad(`${path}.${k}`, 'unknown field');
    const { keyId, unitId, privateKeyPkcs8 } = e;
    if (typeof keyId !== 'string') return bad(`${path}.keyId`, 'expected a string');
    if (typeof unitId !== 'string') return bad(`${path}.unitId`, 'expected a string');
    if (typeof privateKeyPkcs8 !== 'string') return bad(`${path}.privateKeyPkcs8`, 'expected a string');
    const where = `${path} (${keyId})`;
    if (result.has(keyId)) bad(where, 'duplicate key id');
    const publicB64 = directory.findKey(keyId)?.publicKey;
    if (publicB64 === undefined) throw new DirectoryError(DirectoryErrorCode.UNKNOWN_KEY, `${origin}: ${where}: not in the directory`);
    const owner = directory.keyOwner(keyId);
    if (owner !== unitId) bad(`${where}.unitId`, `the directory says the key belongs to ${owner}, the file says ${unitId}`);
    if (directory.agencyOf(owner) !== agency) bad(where, `${owner} is not a unit of ${agency}`);

    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: Buffer.from(privateKeyPkcs8, 'base64'), format: 'der', type: 'pkcs8' });
    } catch (err) {
      return bad(`${where}.privateKeyPkcs8`, `not a PKCS#8 DER private key (${(err as Error).message})`);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') bad(`${where}.privateKeyPkcs8`, `not an Ed25519 key (${privateKey.asymmetricKeyType})`);
    if (!rawPublicKey(privateKey).equals(decodeRawPublicKey(publicB64)!)) {
      throw new DirectoryError(DirectoryErrorCode.KEY_MISMATCH, `${origin}: ${where}: the private key of ${unitId} does not match its public key in the directory`);
    }
    result.set(keyId, privateKey);
  });
  return result;
}

/**
 * Throws INVALID_KEYS unless `keys` (as loadAgencyKeys returns them) hold a private key for every
 * unit of `agency`: a node signs each report and receipt of its units when it writes them, so a
 * unit without its key could neither send nor answer.
 */
export function requireEveryUnitKey(keys: ReadonlyMap<string, KeyObject>, agency: AgencyCode, directory: Directory, origin = 'keys'): void {
  const owners = new Set([...keys.keys()].map((keyId) => directory.keyOwner(keyId)));
  const missing = directory.units({ agency }).filter((u) => !owners.has(u.id));
  if (missing.length) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} other unit${missing.length > 2 ? 's' : ''})` : '';
    throw new DirectoryError(DirectoryErrorCode.INVALID_KEYS, `${origin}: no private key for unit ${missing[0].id}${more}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { generateKeyPairSync } from 'node:crypto';
import { decodeRawPublicKey, keyIdFor, rawFromSpki } from './crypto';
import { Directory } from './directory';
import { DirectoryError, DirectoryErrorCode } from './errors';
import type { AgencyPrivateKey } from './keys';
import type { DirectoryData, UnitKey } from './model';

/**
 * The operator's changes to the keys of a directory: each takes directory data and returns changed
 * data (validated); signing it as the next version is the caller's (signDirectory). Nothing here is
 * ever removed: a retired or revoked key stays, so messages signed with it are judged by its dates.
 */

const refuse = (msg: string): never => {
  throw new DirectoryError(DirectoryErrorCode.KEY_OPERATION, msg);
};

function findKey(data: DirectoryData, keyId: string): { key: UnitKey; unitKeys: UnitKey[] } {
  for (const unit of data.units) {
    const key = unit.keys.find((k) => k.keyId === keyId);
    if (key) return { key, unitKeys: unit.keys };
  }
  return refuse(`no key ${keyId} in the directory`);
}

/** A fresh Ed25519 key pair for a unit: its directory entry and the private key for the agency's key file. */
export function newUnitKey(unitId: string, notBefore?: Date): { entry: UnitKey; privateKey: AgencyPrivateKey } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  const raw = rawFromSpki(publicKey);
  const keyId = keyIdFor(unitId, raw);
  return {
    entry: { keyId, publicKey: raw.toString('base64'), ...(notBefore && { notBefore: notBefore.toISOString() }) },
    privateKey: { keyId, unitId, privateKeyPkcs8: privateKey.toString('base64') },
  };
}

/** Adds a public key (base64 of the raw 32 bytes) to a unit, valid from `notBefore` (absent: at once). */
export function addKey(source: DirectoryData, unitId: string, publicKey: string, notBefore?: Date): { data: DirectoryData; keyId: string } {
  const data = structuredClone(source);
  const unit = data.units.find((u) => u.id === unitId) ?? refuse(`no unit ${unitId} in the directory`);
  const raw = decodeRawPublicKey(publicKey) ?? refuse('the public key is not base64 of a raw 32-byte Ed25519 key');
  const keyId = keyIdFor(unitId, raw);
  if (data.units.some((u) => u.keys.some((k) => k.publicKey === publicKey))) refuse(`the key ${keyId} is already in the directory`);
  unit.keys.push({ keyId, publicKey, ...(notBefore && { notBefore: notBefore.toISOString() }) });
  return { data: Directory.fromJSON(data, 'directory with the new key').toJSON(), keyId };
}

/**
 * Retires a key: valid for messages created before `notAfter`, not after. Refused for a revoked key
 * and when the unit would be left with no key valid at `notAfter` (add the new key first).
 */
export function retireKey(source: DirectoryData, keyId: string, notAfter: Date): DirectoryData {
  const data = structuredClone(source);
  const { key } = findKey(data, keyId);
  if (key.revokedAt) refuse(`${keyId} is revoked (${key.revokedAt}): nothing to retire`);
  if (key.notAfter && Date.parse(key.notAfter) <= notAfter.getTime()) refuse(`${keyId} is already retired from ${key.notAfter}`);
  key.notAfter = notAfter.toISOString();
  const directory = Directory.fromJSON(data, 'directory with the retired key');
  const unitId = directory.keyOwner(keyId);
  if (!directory.signingKeyAt(unitId, notAfter)) refuse(`${unitId} would have no valid key from ${notAfter.toISOString()}: add its new key first (directory add-key)`);
  return directory.toJSON();
}

/** Revokes a key at `revokedAt` for `reason`: from that version on it verifies no message at all. */
export function revokeKey(source: DirectoryData, keyId: string, revokedAt: Date, reason: string): DirectoryData {
  const data = structuredClone(source);
  const { key } = findKey(data, keyId);
  if (key.revokedAt) refuse(`${keyId} is already revoked (${key.revokedAt})`);
  if (!reason.trim()) refuse('a revocation needs a reason');
  key.revokedAt = revokedAt.toISOString();
  key.revocationReason = reason.trim();
  return Directory.fromJSON(data, 'directory with the revoked key').toJSON();
}

import { sign, verify } from 'node:crypto';
import { batchSigningInput, merkleTree, rootFromProof } from './merkle';
import type { InclusionProof } from './merkle';
import type { KeyObject } from 'node:crypto';

/** A unit's private signing key, as held by its agency node. */
export interface UnitKey {
  keyId: string;
  unitId: string;
  privateKey: KeyObject;
}

export interface Signature {
  keyId: string;
  signature: Uint8Array;
}

/**
 * Signs bytes as one of the units whose private keys this node holds (Ed25519). A unit may hold
 * several keys (rotation): `pick` names the key to sign with now (the node asks its directory for
 * the unit's key valid at this instant); without it, the unit's last key is used.
 */
export class UnitSigner {
  private byUnit = new Map<string, UnitKey[]>();
  private byKeyId = new Map<string, UnitKey>();

  constructor(
    keys: Iterable<UnitKey>,
    private readonly pick?: (unitId: string) => string | undefined,
  ) {
    this.replaceKeys(keys);
  }

  /** Swaps in a new set of keys (the key file reloaded with the directory). */
  replaceKeys(keys: Iterable<UnitKey>): void {
    const byUnit = new Map<string, UnitKey[]>();
    const byKeyId = new Map<string, UnitKey>();
    for (const k of keys) {
      byUnit.set(k.unitId, [...(byUnit.get(k.unitId) ?? []), k]);
      byKeyId.set(k.keyId, k);
    }
    this.byUnit = byUnit;
    this.byKeyId = byKeyId;
  }

  canSignAs(unitId: string): boolean {
    return this.byUnit.has(unitId);
  }

  private keyFor(unitId: string): UnitKey {
    const own = this.byUnit.get(unitId);
    if (!own) throw new Error(`this node holds no signing key for unit ${unitId}`);
    if (!this.pick) return own[own.length - 1];
    const keyId = this.pick(unitId);
    const key = keyId === undefined ? undefined : this.byKeyId.get(keyId);
    if (!key || key.unitId !== unitId) throw new Error(`unit ${unitId} has no valid key this node holds${keyId ? ` (the directory names ${keyId})` : ''}`);
    return key;
  }

  sign(unitId: string, data: Uint8Array): Signature {
    const key = this.keyFor(unitId);
    return { keyId: key.keyId, signature: new Uint8Array(sign(null, data, key.privateKey)) };
  }
}

export type KeyResolver = (keyId: string) => { unitId: string; publicKey: KeyObject } | undefined;

export type VerifyResult = { ok: true; unitId: string } | { ok: false; reason: string };

/** Verifies an Ed25519 signature against the directory's public key for keyId. */
export function verifySignature(resolve: KeyResolver, keyId: string, data: Uint8Array, signature: Uint8Array): VerifyResult {
  const key = resolve(keyId);
  if (!key) return { ok: false, reason: `unknown signing key ${JSON.stringify(keyId)}` };
  if (signature.length !== 64) return { ok: false, reason: 'signature is not a 64-byte Ed25519 signature' };
  const ok = verify(null, data, key.publicKey, signature);
  return ok ? { ok: true, unitId: key.unitId } : { ok: false, reason: `signature does not verify with key ${keyId}` };
}

export interface BatchSignature {
  keyId: string;
  /** Ed25519 over batchSigningInput(root, size). */
  signature: Uint8Array;
  proofs: InclusionProof[];
}

/** Signs a batch of byte strings as one unit with one signature over their Merkle root. */
export function signBatch(signer: UnitSigner, unitId: string, items: readonly Uint8Array[]): BatchSignature {
  const { root, proofs } = merkleTree(items);
  const { keyId, signature } = signer.sign(unitId, batchSigningInput(root, items.length));
  return { keyId, signature, proofs };
}

/**
 * Verifies single and batch signatures; a batch root verified once is remembered (bounded), so a
 * batch of n messages costs one Ed25519 verification and n short hash walks.
 */
export class SignatureVerifier {
  private readonly verifiedRoots = new Map<string, string>();

  constructor(
    private readonly resolve: KeyResolver,
    private readonly cacheSize = 10_000,
  ) {}

  verify(keyId: string, data: Uint8Array, signature: Uint8Array, proof?: InclusionProof): VerifyResult {
    if (!proof) return verifySignature(this.resolve, keyId, data, signature);
    const root = rootFromProof(data, proof);
    if (!root) return { ok: false, reason: 'batch proof is malformed' };
    const input = batchSigningInput(root, proof.size);
    const cacheKey = `${keyId}\n${Buffer.from(input).toString('base64')}\n${Buffer.from(signature).toString('base64')}`;
    const cached = this.verifiedRoots.get(cacheKey);
    if (cached) return { ok: true, unitId: cached };
    const result = verifySignature(this.resolve, keyId, input, signature);
    if (result.ok) {
      if (this.verifiedRoots.size >= this.cacheSize) this.verifiedRoots.delete(this.verifiedRoots.keys().next().value!);
      this.verifiedRoots.set(cacheKey, result.unitId);
    } else {
      return { ok: false, reason: `${result.reason} (batch root)` };
    }
    return result;
  }
}

const AUDIT_BATCH_CONTEXT = Buffer.from('shekara.v1.SignedAuditBatch\n', 'utf8');

/**
 * What a node signs for a batch of audit events (SignedAuditBatch): a fixed context, then the
 * batch's exact bytes. The context keeps an envelope's signature from passing as an audit batch's.
 */
export function auditBatchSigningInput(batch: Uint8Array): Uint8Array {
  return Buffer.concat([AUDIT_BATCH_CONTEXT, batch]);
}

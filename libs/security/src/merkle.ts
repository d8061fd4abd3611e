import { createHash } from 'node:crypto';

/**
 * Merkle trees as in RFC 9162 (Certificate Transparency v2), §2.1: SHA-256, leaf hash
 * H(0x00 || data), interior node H(0x01 || left || right), the split at the largest power of two
 * smaller than the size (no duplicated nodes). A relay signs the root of a batch once; each message
 * carries its inclusion proof, so every message stays individually attributable and verifiable.
 */

export interface InclusionProof {
  index: number;
  size: number;
  /** Sibling hashes from the leaf up to the root. */
  path: Uint8Array[];
}

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export function leafHash(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(LEAF).update(data).digest();
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The root of the leaves' tree and the inclusion proof of every leaf, in O(n log n). */
export function merkleTree(leaves: readonly Uint8Array[]): { root: Uint8Array; proofs: InclusionProof[] } {
  if (!leaves.length) throw new Error('a Merkle tree needs at least one leaf');
  const hashes = leaves.map(leafHash);
  const paths: Uint8Array[][] = leaves.map(() => []);
  // Builds the subtree over hashes[lo, hi), appending the sibling of each side to the paths below it.
  const build = (lo: number, hi: number): Uint8Array => {
    if (hi - lo === 1) return hashes[lo];
    const k = largestPowerOfTwoBelow(hi - lo);
    const left = build(lo, lo + k);
    const right = build(lo + k, hi);
    for (let i = lo; i < lo + k; i++) paths[i].push(right);
    for (let i = lo + k; i < hi; i++) paths[i].push(left);
    return nodeHash(left, right);
  };
  const root = build(0, leaves.length);
  return { root, proofs: paths.map((path, index) => ({ index, size: leaves.length, path })) };
}

/** The root implied by a leaf and its inclusion proof (RFC 9162 §2.1.3.2), or undefined if malformed. */
export function rootFromProof(data: Uint8Array, proof: InclusionProof): Uint8Array | undefined {
  const { index, size, path } = proof;
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash(data);
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/**
 * What a batch signature signs: a domain-separated root together with the tree size (a proof's
 * shape depends on the size, so the size is authenticated with the root, as in a CT tree head).
 */
export function batchSigningInput(root: Uint8Array, size: number): Uint8Array {
  const n = Buffer.alloc(4);
  n.writeUInt32BE(size);
  return Buffer.concat([Buffer.from('shekara/merkle-root/v1\0', 'ascii'), n, root]);
}

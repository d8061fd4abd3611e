import { batchSigningInput, merkleTree, rootFromProof } from './merkle';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`envelope #${i}`));

describe('Merkle batches (RFC 9162)', () => {
  it.each([1, 2, 3, 5, 7, 8, 13, 64, 100, 256])('every leaf of a %i-leaf batch proves the root', (n) => {
    const data = leaves(n);
    const { root, proofs } = merkleTree(data);
    data.forEach((d, i) => expect(Buffer.from(rootFromProof(d, proofs[i])!)).toEqual(Buffer.from(root)));
    expect(Math.max(...proofs.map((p) => p.path.length))).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
  });

  it('matches the RFC 6962 definition for small trees', () => {
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    const h = (...parts: Uint8Array[]) => parts.reduce((x, p) => x.update(p), createHash('sha256')).digest();
    const [a, b, c] = leaves(3);
    const la = h(Buffer.from([0]), a), lb = h(Buffer.from([0]), b), lc = h(Buffer.from([0]), c);
    const expected = h(Buffer.from([1]), h(Buffer.from([1]), la, lb), lc);
    expect(Buffer.from(merkleTree([a, b, c]).root)).toEqual(expected);
  });

  it('rejects a tampered leaf, a wrong index, a wrong size and a truncated path', () => {
    const data = leaves(10);
    const { root, proofs } = merkleTree(data);
    const same = (r?: Uint8Array) => !!r && Buffer.from(r).equals(Buffer.from(root));
    expect(same(rootFromProof(new TextEncoder().encode('forged'), proofs[3]))).toBe(false);
    expect(same(rootFromProof(data[3], { ...proofs[3], index: 4 }))).toBe(false);
    // A wrong size may still walk to the same root: the size is bound by the signature instead.
    expect(Buffer.from(batchSigningInput(root, 10)).equals(Buffer.from(batchSigningInput(root, 11)))).toBe(false);
    expect(same(rootFromProof(data[3], { ...proofs[3], size: 3 }))).toBe(false);
    expect(same(rootFromProof(data[3], { ...proofs[3], path: proofs[3].path.slice(1) }))).toBe(false);
    expect(rootFromProof(data[3], { ...proofs[3], index: 10 })).toBeUndefined();
  });

  it('domain-separates the signed root', () => {
    const root = new Uint8Array(32).fill(7);
    expect(Buffer.from(batchSigningInput(root, 1)).subarray(0, 22).toString()).toBe('shekara/merkle-root/v1');
    expect(batchSigningInput(root, 1).length).toBe(23 + 4 + 32);
  });
});

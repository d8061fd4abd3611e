import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { EMPTY_ROOT, hashLeaf } from './hash';
import {
  CompactRange,
  MapHashSource,
  MemoryHashSource,
  RecordingHashSource,
  consistencyProof,
  inclusionProof,
  rootFromInclusionProof,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './tree';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

// The Certificate Transparency reference leaves and roots (transparency-dev/merkle testonly data).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION = [
  { index: 0, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];
const CT_CONSISTENCY = [
  { first: 2, second: 8, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { first: 6, second: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { first: 2, second: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

// An independent reference: RFC 9162 §2.1.1 MTH written straight from the definition with Node's crypto.
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Uint8Array.of(0), leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const source = (data: Uint8Array[]) => new MemoryHashSource(data.map(hashLeaf));

describe('RFC 9162 Merkle trees', () => {
  it('computes the reference roots for sizes 0..8', () => {
    const src = source(CT_LEAVES);
    for (let n = 0; n <= 8; n++) expect(hex(treeRoot(src, n))).toBe(CT_ROOTS[n]);
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
  });

  it('produces and verifies the reference inclusion proofs', () => {
    const src = source(CT_LEAVES);
    for (const v of CT_INCLUSION) {
      expect(inclusionProof(src, v.index, v.size).map(hex)).toEqual(v.proof);
      expect(verifyInclusion(hashLeaf(CT_LEAVES[v.index]), v.index, v.size, v.proof.map(unhex), unhex(CT_ROOTS[v.size]))).toBe(true);
    }
  });

  it('produces and verifies the reference consistency proofs', () => {
    const src = source(CT_LEAVES);
    for (const v of CT_CONSISTENCY) {
      expect(consistencyProof(src, v.first, v.second).map(hex)).toEqual(v.proof);
      expect(verifyConsistency(v.first, v.second, unhex(CT_ROOTS[v.first]), unhex(CT_ROOTS[v.second]), v.proof.map(unhex))).toBe(true);
    }
  });

  it('rejects malformed inclusion proofs', () => {
    const v = CT_INCLUSION[1];
    const leaf = hashLeaf(CT_LEAVES[5]);
    const root = unhex(CT_ROOTS[8]);
    const proof = v.proof.map(unhex);
    expect(verifyInclusion(leaf, 4, 8, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 7, proof, unhex(CT_ROOTS[7]))).toBe(false);
    expect(verifyInclusion(leaf, 5, 8, proof.slice(0, 2), root)).toBe(false);
    expect(verifyInclusion(leaf, 5, 8, [...proof, proof[0]], root)).toBe(false);
    expect(verifyInclusion(leaf, 8, 8, proof, root)).toBe(false);
    expect(rootFromInclusionProof(leaf, -1, 8, proof)).toBeUndefined();
  });

  it('rejects consistency proofs for the wrong sizes or roots', () => {
    const v = CT_CONSISTENCY[1];
    const proof = v.proof.map(unhex);
    expect(verifyConsistency(6, 8, unhex(CT_ROOTS[5]), unhex(CT_ROOTS[8]), proof)).toBe(false);
    expect(verifyConsistency(5, 8, unhex(CT_ROOTS[6]), unhex(CT_ROOTS[8]), proof)).toBe(false);
    expect(verifyConsistency(6, 7, unhex(CT_ROOTS[6]), unhex(CT_ROOTS[7]), proof)).toBe(false);
    expect(verifyConsistency(8, 6, unhex(CT_ROOTS[8]), unhex(CT_ROOTS[6]), proof)).toBe(false);
    expect(verifyConsistency(0, 8, EMPTY_ROOT, unhex(CT_ROOTS[8]), [])).toBe(true);
    expect(verifyConsistency(0, 8, EMPTY_ROOT, unhex(CT_ROOTS[8]), proof)).toBe(false);
    expect(verifyConsistency(8, 8, unhex(CT_ROOTS[8]), unhex(CT_ROOTS[8]), [])).toBe(true);
    expect(verifyConsistency(8, 8, unhex(CT_ROOTS[7]), unhex(CT_ROOTS[8]), [])).toBe(false);
  });

  const leavesArb = fc.array(fc.uint8Array({ maxLength: 12 }), { minLength: 1, maxLength: 140 });

  it('property: roots, inclusion and consistency proofs agree with the reference MTH for random trees', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), fc.nat(), (data, a, b) => {
        const src = source(data);
        const n = data.length;
        const root = treeRoot(src, n);
        expect(hex(root)).toBe(hex(mth(data)));
        const i = a % n;
        const path = inclusionProof(src, i, n);
        expect(verifyInclusion(hashLeaf(data[i]), i, n, path, root)).toBe(true);
        if (path.length) {
          const bad = path.map((h) => Uint8Array.from(h));
          bad[b % bad.length][0] ^= 1;
          expect(verifyInclusion(hashLeaf(data[i]), i, n, bad, root)).toBe(false);
        }
        const m = b % (n + 1);
        const oldRoot = hex(mth(data.slice(0, m)));
        const proof = consistencyProof(src, m, n);
        expect(verifyConsistency(m, n, unhex(oldRoot), root, proof)).toBe(true);
        if (m > 0 && m < n) {
          // A tree with another leaf in the old range is not consistent with this one.
          const forked = data.map((d) => d.slice());
          forked[a % m] = Uint8Array.of(...forked[a % m], 0xff);
          expect(verifyConsistency(m, n, mth(forked.slice(0, m)), root, proof)).toBe(false);
          expect(verifyConsistency(m, n, unhex(oldRoot), mth(forked), proof)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: a compact range gives the root and emits exactly the complete nodes', () => {
    fc.assert(
      fc.property(leavesArb, fc.nat(), (data, cut) => {
        const leaves = data.map(hashLeaf);
        const nodes = new Map<string, Uint8Array>();
        leaves.forEach((h, i) => nodes.set(`0/${i}`, h));
        const range = new CompactRange();
        for (const h of leaves) range.append(h, (level, index, hash) => nodes.set(`${level}/${index}`, hash));
        expect(hex(range.root())).toBe(hex(mth(data)));
        // Resuming from the stored nodes at any size gives the same root after the same appends.
        const k = cut % (leaves.length + 1);
        const resumed = CompactRange.fromSource(new MapHashSource(nodes), k);
        for (const h of leaves.slice(k)) resumed.append(h);
        expect(hex(resumed.root())).toBe(hex(mth(data)));
        // The stored nodes are enough for any proof.
        const src = new MapHashSource(nodes);
        expect(hex(treeRoot(src, leaves.length))).toBe(hex(mth(data)));
        const rec = new RecordingHashSource();
        consistencyProof(rec, k, leaves.length);
        for (const { level, index } of rec.wanted.values()) expect(nodes.has(`${level}/${index}`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

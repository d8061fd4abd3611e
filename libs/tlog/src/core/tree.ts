import { EMPTY_ROOT, hashChildren, hashEqual, type Hash } from './hash';

/**
 * RFC 9162 §2.1 Merkle tree proofs over a log whose complete subtrees are read from a HashSource.
 * Node (level, index) is the root of the complete subtree over leaves [index·2^level,
 * (index+1)·2^level); level 0 holds the leaf hashes. An append-only log never changes a complete
 * node, so one source serves proofs for every tree size it covers.
 */
export interface NodeId {
  level: number;
  index: number;
}

export interface HashSource {
  /** The hash of a complete subtree; throws if the source does not hold it. */
  node(level: number, index: number): Hash;
}

const pow2 = (level: number) => 2 ** level;

/** The largest power of two strictly smaller than n (n >= 2), the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * The complete subtrees that make up leaves [lo, hi), largest (leftmost) first; lo must be aligned
 * as every range in the RFC's recursion is (a multiple of a power of two at least hi - lo).
 */
export function decompose(lo: number, hi: number): NodeId[] {
  const out: NodeId[] = [];
  let pos = lo;
  let rest = hi - lo;
  for (let level = 52; level >= 0 && rest > 0; level--) {
    const w = pow2(level);
    if (rest >= w) {
      out.push({ level, index: pos / w });
      pos += w;
      rest -= w;
    }
  }
  return out;
}

/** MTH(D[lo:hi]) from the source's complete subtrees (folded right to left, RFC 9162 §2.1.1). */
export function rangeHash(src: HashSource, lo: number, hi: number): Hash {
  if (hi <= lo) return EMPTY_ROOT;
  const nodes = decompose(lo, hi);
  let h = src.node(nodes[nodes.length - 1].level, nodes[nodes.length - 1].index);
  for (let i = nodes.length - 2; i >= 0; i--) h = hashChildren(src.node(nodes[i].level, nodes[i].index), h);
  return h;
}

/** The root hash of the tree of the given size. */
export function treeRoot(src: HashSource, size: number): Hash {
  checkSize('size', size);
  return rangeHash(src, 0, size);
}

/** PATH(m, D[n]) of RFC 9162 §2.1.3.1: sibling hashes from the leaf's up to the root's child. */
export function inclusionProof(src: HashSource, index: number, size: number): Hash[] {
  checkSize('size', size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`index ${index} is outside a tree of size ${size}`);
  const out: Hash[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push(rangeHash(src, lo + k, hi));
      hi = lo + k;
    } else {
      out.push(rangeHash(src, lo, lo + k));
      lo += k;
    }
  }
  return out.reverse();
}

/** PROOF(m, D[n]) of RFC 9162 §2.1.4.1; empty when m is 0 or m equals n. */
export function consistencyProof(src: HashSource, oldSize: number, newSize: number): Hash[] {
  checkSize('old size', oldSize);
  checkSize('new size', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  if (oldSize === 0 || oldSize === newSize) return [];
  const out: Hash[] = [];
  let m = oldSize;
  let lo = 0;
  let hi = newSize;
  let complete = true; // b in SUBPROOF(m, D[n], b)
  for (;;) {
    const n = hi - lo;
    if (m === n) {
      if (!complete) out.push(rangeHash(src, lo, hi));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      out.push(rangeHash(src, lo + k, hi));
      hi = lo + k;
    } else {
      out.push(rangeHash(src, lo, lo + k));
      m -= k;
      lo += k;
      complete = false;
    }
  }
  return out.reverse();
}

/** The root implied by a leaf hash and its inclusion proof (RFC 9162 §2.1.3.2), or undefined. */
export function rootFromInclusionProof(leaf: Hash, index: number, size: number, proof: readonly Hash[]): Hash | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  const r = rootFromInclusionProof(leaf, index, size, proof);
  return r !== undefined && hashEqual(r, root);
}

/** RFC 9162 §2.1.4.2. A tree of size 0 is consistent with every tree (and needs an empty proof). */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Hash, newRoot: Hash, proof: readonly Hash[]): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === 0) return proof.length === 0;
  if (oldSize === newSize) return proof.length === 0 && hashEqual(oldRoot, newRoot);
  if (proof.length === 0) return false;
  // When the old tree is a complete subtree its root is the proof's implicit first node.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && hashEqual(fr, oldRoot) && hashEqual(sr, newRoot);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

/**
 * The compact range [0, size) of a growing tree: one complete subtree per set bit of the size. It
 * takes leaf hashes one by one, reports each complete node it finishes (for storage), and gives
 * the root at any time in O(log n).
 */
export class CompactRange {
  /** Complete subtree hashes, largest (leftmost) first. */
  private readonly hashes: Hash[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The range of a stored tree: the nodes of decompose(0, size) read from the source. */
  static fromSource(src: HashSource, size: number): CompactRange {
    const r = new CompactRange();
    for (const { level, index } of decompose(0, size)) r.hashes.push(src.node(level, index));
    r.n = size;
    return r;
  }

  /** The nodes fromSource reads. */
  static nodesOf(size: number): NodeId[] {
    return decompose(0, size);
  }

  /** Appends a leaf hash; onNode receives every complete node above the leaves it completes. */
  append(leaf: Hash, onNode?: (level: number, index: number, hash: Hash) => void): void {
    let h = leaf;
    let level = 0;
    let index = this.n;
    while (index % 2 === 1) {
      h = hashChildren(this.hashes.pop()!, h);
      level++;
      index = Math.floor(index / 2);
      onNode?.(level, index, h);
    }
    this.hashes.push(h);
    this.n++;
  }

  root(): Hash {
    if (!this.hashes.length) return EMPTY_ROOT;
    let h = this.hashes[this.hashes.length - 1];
    for (let i = this.hashes.length - 2; i >= 0; i--) h = hashChildren(this.hashes[i], h);
    return h;
  }

  clone(): CompactRange {
    const c = new CompactRange();
    c.hashes.push(...this.hashes);
    c.n = this.n;
    return c;
  }
}

/** A HashSource over leaf hashes held in memory (every node computed on demand, memoized). */
export class MemoryHashSource implements HashSource {
  private readonly levels: Hash[][] = [];

  constructor(leaves: readonly Hash[] = []) {
    this.levels.push([...leaves]);
  }

  get size(): number {
    return this.levels[0].length;
  }

  append(leaf: Hash): void {
    this.levels[0].push(leaf);
  }

  node(level: number, index: number): Hash {
    if (level === 0) {
      const h = this.levels[0][index];
      if (!h) throw new RangeError(`no leaf ${index}`);
      return h;
    }
    const row = (this.levels[level] ??= []);
    let h = row[index];
    if (!h) {
      h = hashChildren(this.node(level - 1, 2 * index), this.node(level - 1, 2 * index + 1));
      row[index] = h;
    }
    return h;
  }
}

/** Records the nodes a computation reads (with placeholder hashes), so a store can fetch them in one query. */
export class RecordingHashSource implements HashSource {
  readonly wanted = new Map<string, NodeId>();
  private static readonly ZERO = new Uint8Array(32);
  node(level: number, index: number): Hash {
    this.wanted.set(`${level}/${index}`, { level, index });
    return RecordingHashSource.ZERO;
  }
}

/** A HashSource over a map of prefetched nodes keyed "level/index". */
export class MapHashSource implements HashSource {
  constructor(private readonly nodes: Map<string, Hash>) {}
  node(level: number, index: number): Hash {
    const h = this.nodes.get(`${level}/${index}`);
    if (!h) throw new RangeError(`node ${level}/${index} was not fetched`);
    return h;
  }
}

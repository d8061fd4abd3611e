import { createHash, hash } from 'node:crypto';
import { leafHash } from '@shekara/security';

/** RFC 9162 §2.1.1 hashing with SHA-256: leaves H(0x00 || data), interior nodes H(0x01 || l || r). */
export type Hash = Uint8Array;
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export function hashLeaf(data: Uint8Array): Hash {
  return leafHash(data);
}

export function hashChildren(left: Hash, right: Hash): Hash {
  // One-shot hashing of the 65 bytes: cheaper than a Hash object per node.
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

export function hashEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
}

/** Strict standard base64 (RFC 4648 §4): undefined unless it re-encodes to the same text. */
export function fromBase64(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? new Uint8Array(b) : undefined;
}

/** A strict base64 SHA-256 hash, or undefined. */
export function hashFromBase64(s: string): Hash | undefined {
  const b = fromBase64(s);
  return b && b.length === HASH_SIZE ? b : undefined;
}

/**
 * Index keys for candidate retrieval. A person is filed under:
 *  - `p:` the pair of name skeletons (sorted, so swapped names meet),
 *  - `y:` each name skeleton with the year of birth and the other name's first letter (a typo
 *    in the other name),
 *  - `d:` the date of birth (day/month order-free) with the first letter of each skeleton
 *    (typos in both names),
 *  - `x:` each document number folded for misreadings,
 *  - `n:` each name skeleton alone: broad, looked up only when the narrow keys find too little.
 * A query looks up the same keys, the year also +-1. Skeletons come from stems, so suffixes,
 * schemes and vowels do not split a person from his variants.
 */
import { swapInvariant } from './dates';
import type { PreparedPerson } from './engine';
import { skeleton, stem } from './normalise';

/** Short names (Chinese, Li, Hu) keep their vowels: a one-letter skeleton would find everyone. */
const keyOf = (k: string) => (k.length <= 4 ? k : skeleton(k));
import type { NameField } from './normalise';

function skeletons(field: NameField): string[] {
  const out = new Set<string>();
  for (const k of field.joined) out.add(keyOf(stem(k)));
  for (const w of field.words) for (const k of w.keys) out.add(keyOf(stem(k)));
  return [...out].filter((s) => s.length >= 1);
}

export interface KeySet {
  /** Selective keys: looked up first. */
  narrow: string[];
  /** Broad keys: looked up when the narrow ones find fewer candidates than wanted. */
  broad: string[];
}

function build(p: PreparedPerson, years: (y: number) => number[]): KeySet {
  const s = skeletons(p.surname);
  const g = skeletons(p.given);
  const all = [...new Set([...s, ...g])];
  const narrow = new Set<string>();
  for (const a of s) for (const b of g) narrow.add('p:' + (a < b ? `${a}|${b}` : `${b}|${a}`));
  const dob = p.record.dateOfBirth;
  if (dob !== undefined) {
    const year = Number(dob.slice(0, 4));
    for (const y of years(year)) {
      for (const a of s) for (const b of g) {
        narrow.add(`y:${a}:${y}:${b.charAt(0)}`);
        narrow.add(`y:${b}:${y}:${a.charAt(0)}`);
      }
    }
    const inv = swapInvariant(dob);
    for (const k of all) narrow.add(`d:${inv}:${k.charAt(0)}`);
  }
  for (const d of p.documents) if (d.folded.length >= 4) narrow.add('x:' + d.folded);
  return { narrow: [...narrow], broad: all.map((k) => 'n:' + k) };
}

/** The keys a person is filed under. */
export function personKeys(p: PreparedPerson): KeySet {
  return build(p, (y) => [y]);
}

/** The keys a query looks up (the year of birth also one either side). */
export function queryKeys(p: PreparedPerson): KeySet {
  return build(p, (y) => [y - 1, y, y + 1]);
}

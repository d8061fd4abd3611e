/**
 * An in-memory candidate index (the CLI, the evaluation): key -> persons, then rescoring with the
 * engine. The PostgreSQL store (pg/) files the same keys.
 */
import { compare, isNamesake, namesakeRivals, preparePerson, withNamesakes, type MatchResult, type NameFrequencies, type PreparedPerson } from './engine';
import { personKeys, queryKeys } from './keys';
import type { PersonRecord } from './person';

export interface Candidate extends MatchResult {
  id: string;
}

/** How many candidates, at most, are rescored for one query. */
export const RESCORE_LIMIT = 2_000;
/** How many persons the broad keys and the trigrams may add when the narrow keys found nobody. */
export const BROAD_LIMIT = 500;
export const TRIGRAM_LIMIT = 100;

export class MemoryPersonIndex {
  private readonly persons: PreparedPerson[] = [];
  private readonly narrow = new Map<string, number[]>();
  private readonly broad = new Map<string, number[]>();
  /** Persons per name frequency key (engine.ts, frequencyKeys), counted as they are added. */
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.persons.length;
  }

  /** The name frequencies of the persons added so far. */
  get frequencies(): NameFrequencies {
    return { persons: this.persons.length, count: (key) => this.counts.get(key) ?? 0 };
  }

  add(records: Iterable<PersonRecord>): void {
    for (const r of records) {
      const p = preparePerson(r);
      const n = this.persons.push(p) - 1;
      for (const k of [p.frequency.surname, p.frequency.given]) if (k !== undefined) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      const keys = personKeys(p);
      for (const k of keys.narrow) file(this.narrow, k, n);
      for (const k of keys.broad) file(this.broad, k, n);
    }
  }

  /**
   * The best `limit` candidates for a query, best first, with scores and explanations. The broad
   * keys are looked up only when the narrow ones found nobody.
   */
  search(query: PersonRecord, limit = 10): Candidate[] {
    const q = preparePerson(query);
    const keys = queryKeys(q);
    const hits = new Map<number, number>();
    const collect = (map: Map<string, number[]>, list: string[]) => {
      for (const k of list) for (const n of map.get(k) ?? []) hits.set(n, (hits.get(n) ?? 0) + 1);
    };
    const ranked = () => {
      let chosen = [...hits.keys()];
      if (chosen.length > RESCORE_LIMIT) chosen = chosen.sort((a, b) => hits.get(b)! - hits.get(a)!).slice(0, RESCORE_LIMIT);
      return rank(q, chosen.map((n) => this.persons[n]), limit, this.frequencies);
    };
    collect(this.narrow, keys.narrow);
    if (hits.size > 0) return ranked();
    collect(this.broad, keys.broad);
    return ranked();
  }
}

/**
 * Rescores prepared candidates against a query with the index's name frequencies; best first (ties
 * by id), `limit` of them. The candidates include every person filed under the query's names, so
 * namesakes are counted here: each against those agreeing with the query's date at least as well.
 */
export function rank(q: PreparedPerson, candidates: Iterable<PreparedPerson>, limit: number, freq?: NameFrequencies): Candidate[] {
  let out: Candidate[] = [];
  for (const c of candidates) out.push({ id: c.record.id, ...compare(q, c, freq) });
  const namesakes = out.filter(isNamesake);
  if (namesakes.length > 1) {
    // Each namesake weighs the others that agree with the query's date at least as well (namesakeRivals).
    const rivals = namesakeRivals(namesakes);
    const of = new Map(namesakes.map((c, i) => [c, rivals[i]]));
    out = out.map((c) => (of.has(c) ? { id: c.id, ...withNamesakes(c, of.get(c)!) } : c));
  }
  out.sort((a, b) => b.score - a.score || b.explanation.total - a.explanation.total || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out.slice(0, limit);
}

function file(map: Map<string, number[]>, key: string, n: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [n]);
  else if (list[list.length - 1] !== n) list.push(n);
}

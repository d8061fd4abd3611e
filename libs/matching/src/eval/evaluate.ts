/**
 * The evaluation: index identities, ask every variant class and the hard negatives, and measure
 * candidate recall (the true person among the top 50), and precision and recall at the alert
 * threshold (every candidate at or above it is an alert; an alert on anyone but the true person is
 * a false one).
 */
import type { Candidate } from '../memory-index';
import type { PersonRecord } from '../person';
import { seededRandom } from '@shekara/common';
import { asRecord, generateIdentities, hardNegative, variant, VARIANT_CLASSES, type Identity, type VariantClass } from './generator';
export { identities } from './generator';

export interface EvalQuery {
  record: PersonRecord;
  /** The indexed person it is, or undefined for a hard negative. */
  truth?: string;
  cls: VariantClass | 'hard-negative';
}

export interface EvalSet {
  identities: Identity[];
  queries: EvalQuery[];
}

/** `identities` persons to index; `perClass` queries of each variant class and as many hard negatives as `negatives`. */
export function buildEvalSet(identities: number, perClass: number, negatives: number, seed = 19): EvalSet {
  const ids = generateIdentities(identities, seed);
  return { identities: ids, queries: buildQueries(ids, perClass, negatives, seed) };
}

/** Queries made from `sources` (indexed identities): every variant class, then hard negatives. */
export function buildQueries(sources: readonly Identity[], perClass: number, negatives: number, seed = 19): EvalQuery[] {
  const r = seededRandom(seed * 7919 + 1);
  const queries: EvalQuery[] = [];
  let n = 0;
  for (const cls of VARIANT_CLASSES) {
    let made = 0;
    for (let tries = 0; made < perClass && tries < perClass * 20; tries++) {
      const p = sources[Math.floor(r() * sources.length)];
      const q = variant(p, cls, r, `Q${n}`);
      if (q === undefined) continue;
      n++;
      made++;
      queries.push({ record: q, truth: p.id, cls });
    }
  }
  for (let i = 0; i < negatives; i++) {
    const p = sources[Math.floor(r() * sources.length)];
    queries.push({ record: hardNegative(p, r, `N${i}`), cls: 'hard-negative' });
  }
  return queries;
}

export interface ClassResult {
  queries: number;
  candidateRecall: number;
  recall: number;
  falseAlerts: number;
}

export interface EvalResult {
  candidateRecall: number;
  precision: number;
  alerts: number;
  falseAlerts: number;
  perClass: Record<string, ClassResult>;
  /** Misses, for reading. */
  misses: Array<{ cls: string; query: PersonRecord; truth?: string; best?: Candidate; truthCandidate?: Candidate }>;
}

export type Searcher = (query: PersonRecord, limit: number) => Candidate[];
export type AsyncSearcher = (query: PersonRecord, limit: number) => Promise<Candidate[]>;

export function evaluate(set: Pick<EvalSet, 'queries'>, search: Searcher, keepMisses = 20): EvalResult {
  const tally = new Tally(keepMisses);
  for (const q of set.queries) tally.add(q, search(q.record, 50));
  return tally.result();
}

/** The same against an asynchronous index (PostgreSQL); `onLatency` gets each query's milliseconds. */
export async function evaluateAsync(queries: readonly EvalQuery[], search: AsyncSearcher, onLatency: (ms: number) => void, keepMisses = 20): Promise<EvalResult> {
  const tally = new Tally(keepMisses);
  for (const q of queries) {
    const t0 = performance.now();
    const candidates = await search(q.record, 50);
    onLatency(performance.now() - t0);
    tally.add(q, candidates);
  }
  return tally.result();
}

class Tally {
  private readonly perClass: Record<string, ClassResult & { found: number; hit: number }> = {};
  private positives = 0;
  private found = 0;
  private alerts = 0;
  private falseAlerts = 0;
  private readonly misses: EvalResult['misses'] = [];

  constructor(private readonly keepMisses: number) {}

  add(q: EvalQuery, candidates: Candidate[]): void {
    const c = (this.perClass[q.cls] ??= { queries: 0, candidateRecall: 0, recall: 0, falseAlerts: 0, found: 0, hit: 0 });
    c.queries++;
    const truth = q.truth === undefined ? undefined : candidates.find((x) => x.id === q.truth);
    if (q.truth !== undefined) {
      this.positives++;
      if (truth) {
        this.found++;
        c.found++;
      }
      if (truth?.match) c.hit++;
    }
    for (const x of candidates) {
      if (!x.match) continue;
      this.alerts++;
      if (x.id !== q.truth) {
        this.falseAlerts++;
        c.falseAlerts++;
      }
    }
    const missed = q.truth !== undefined ? !truth?.match : candidates.some((x) => x.match);
    if (missed && this.misses.length < this.keepMisses) this.misses.push({ cls: q.cls, query: q.record, truth: q.truth, best: candidates[0], truthCandidate: truth });
  }

  result(): EvalResult {
    const out: Record<string, ClassResult> = {};
    for (const [k, v] of Object.entries(this.perClass)) {
      out[k] = { queries: v.queries, candidateRecall: k === 'hard-negative' ? NaN : v.found / v.queries, recall: k === 'hard-negative' ? NaN : v.hit / v.queries, falseAlerts: v.falseAlerts };
    }
    return {
      candidateRecall: this.found / this.positives,
      precision: this.alerts === 0 ? 1 : (this.alerts - this.falseAlerts) / this.alerts,
      alerts: this.alerts,
      falseAlerts: this.falseAlerts,
      perClass: out,
      misses: this.misses,
    };
  }
}

export { asRecord };

/**
 * The evaluation: index identities, ask every variant class and the hard negatives, and measure
 * candidate recall (the true person among the top 50), and precision and recall at the alert
 * threshold (every candidate at or above it is an alert; an alert on anyone but the true person is
 * a false one).
 */
import type { Candidate } from '../memory-index';
import type { PersonRecord } from '../person';
import { asRecord, generateIdentities, hardNegative, rng, variant, VARIANT_CLASSES, type Identity, type VariantClass } from './generator';

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
  const r = rng(seed * 7919 + 1);
  const queries: EvalQuery[] = [];
  let n = 0;
  for (const cls of VARIANT_CLASSES) {
    let made = 0;
    for (let tries = 0; made < perClass && tries < perClass * 20; tries++) {
      const p = ids[Math.floor(r() * ids.length)];
      const q = variant(p, cls, r, `Q${n}`);
      if (q === undefined) continue;
      n++;
      made++;
      queries.push({ record: q, truth: p.id, cls });
    }
  }
  for (let i = 0; i < negatives; i++) {
    const p = ids[Math.floor(r() * ids.length)];
    queries.push({ record: hardNegative(p, r, `N${i}`), cls: 'hard-negative' });
  }
  return { identities: ids, queries };
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

export function evaluate(set: EvalSet, search: Searcher, keepMisses = 20): EvalResult {
  const perClass: Record<string, ClassResult & { found: number; hit: number }> = {};
  let positives = 0;
  let found = 0;
  let alerts = 0;
  let falseAlerts = 0;
  const misses: EvalResult['misses'] = [];
  for (const q of set.queries) {
    const c = (perClass[q.cls] ??= { queries: 0, candidateRecall: 0, recall: 0, falseAlerts: 0, found: 0, hit: 0 });
    c.queries++;
    const candidates = search(q.record, 50);
    const truth = q.truth === undefined ? undefined : candidates.find((x) => x.id === q.truth);
    if (q.truth !== undefined) {
      positives++;
      if (truth) {
        found++;
        c.found++;
      }
      if (truth?.match) c.hit++;
    }
    for (const x of candidates) {
      if (!x.match) continue;
      alerts++;
      if (x.id !== q.truth) {
        falseAlerts++;
        c.falseAlerts++;
      }
    }
    const missed = q.truth !== undefined ? !truth?.match : candidates.some((x) => x.match);
    if (missed && misses.length < keepMisses) misses.push({ cls: q.cls, query: q.record, truth: q.truth, best: candidates[0], truthCandidate: truth });
  }
  const out: Record<string, ClassResult> = {};
  for (const [k, v] of Object.entries(perClass)) {
    out[k] = { queries: v.queries, candidateRecall: k === 'hard-negative' ? NaN : v.found / v.queries, recall: k === 'hard-negative' ? NaN : v.hit / v.queries, falseAlerts: v.falseAlerts };
  }
  return { candidateRecall: found / positives, precision: alerts === 0 ? 1 : (alerts - falseAlerts) / alerts, alerts, falseAlerts, perClass: out, misses };
}

export { asRecord };

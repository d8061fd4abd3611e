/**
 * How much of a variant class no matcher can get right: a query is ambiguous when the index holds a
 * namesake of its true person (same surname, given names, sex and nationality, and the same
 * patronymic where the query has one) whose date of birth agrees with the query's at least as well
 * as the true person's does, and no document can tell them apart (the query or the person carries
 * none). Then names, date, sex and citizenship say the same of both: an alert on the true person is
 * an alert on the namesake too (a false alert), and no alert is a miss. The share of such queries
 * bounds the recall a class can reach at full precision: a ceiling measured on the same data.
 */
import { compareDates, type DateHow } from '../dates';
import type { EvalQuery } from './evaluate';
import type { Identity } from './generator';

/** How well two dates of birth agree, best first (the engine's order of evidence). */
const AGREEMENT: Record<DateHow, number> = { exact: 5, 'day-month-swapped': 4, 'year-off-by-one': 3, 'within-a-month': 3, 'within-a-year': 2, absent: 1, different: 0 };

/** The key namesakes share. */
export const namesakeKey = (p: Pick<Identity, 'surname' | 'givenNames' | 'sex' | 'nationality'>) => `${p.surname}|${p.givenNames}|${p.sex ?? ''}|${p.nationality}`;

/** A namesake as the measure needs it (the bench keeps a million of these). */
export type Namesake = Pick<Identity, 'id' | 'patronymic' | 'dateOfBirth'>;

/** Per class: queries with a true person, and the share of them that are ambiguous. */
export function ambiguity(queries: readonly EvalQuery[], truths: ReadonlyMap<string, Identity>, namesakes: (key: string) => readonly Namesake[]): Record<string, { queries: number; ambiguous: number }> {
  const out: Record<string, { queries: number; ambiguous: number }> = {};
  for (const q of queries) {
    const truth = q.truth === undefined ? undefined : truths.get(q.truth);
    if (!truth) continue;
    const c = (out[q.cls] ??= { queries: 0, ambiguous: 0 });
    c.queries++;
    if ((q.record.documents?.length ?? 0) > 0 && (truth.documents?.length ?? 0) > 0) continue;
    const own = AGREEMENT[compareDates(q.record.dateOfBirth, truth.dateOfBirth)];
    const twin = namesakes(namesakeKey(truth)).some(
      (n) => n.id !== truth.id && (!q.record.patronymic || !n.patronymic || n.patronymic === truth.patronymic) && AGREEMENT[compareDates(q.record.dateOfBirth, n.dateOfBirth)] >= own,
    );
    if (twin) c.ambiguous++;
  }
  for (const c of Object.values(out)) c.ambiguous = c.queries ? Math.round((c.ambiguous / c.queries) * 1000) / 1000 : 0;
  return out;
}

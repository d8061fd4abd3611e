/**
 * The question of a full-text search as to_tsquery text for each language of the bank, built from
 * its words only (letters and digits of any script), so no operator a user types reaches the parser.
 * Russian and English: every word (AND), stemmed by PostgreSQL's own configurations. Kazakh, which
 * PostgreSQL cannot stem: every word as a prefix (`:*`) once it has 4 letters or more, so the
 * agglutinated forms of a stem meet ("құжат" finds "құжаттар", "құжаттың") without a stemmer that
 * could cut words into nonsense.
 */
export const MAX_QUERY_WORDS = 12;

export function queryWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_QUERY_WORDS);
}

export function tsQueries(q: string): { ru: string; kk: string; en: string } {
  const words = queryWords(q);
  const all = words.join(' & ');
  const kk = words.map((w) => ([...w].length >= 4 ? `${w}:*` : w)).join(' & ');
  return { ru: all, kk, en: all };
}

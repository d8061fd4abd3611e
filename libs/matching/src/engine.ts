/**
 * The matching engine: compares two persons feature by feature and sums evidence (points, in the
 * manner of Fellegi-Sunter log-odds weights), squashed to a score in 0..1. Every feature reports
 * how it matched and its points, so an officer sees why a candidate scored what it did.
 */
import { compareDates, type DateHow } from './dates';
import { documentNumber, foldMisreadings } from './documents';
import { hasReformSuffix, prepareField, stem, stemForms, type NameField } from './normalise';
import { editDistance } from './similarity';
import type { PersonRecord } from './person';

/**
 * The alert threshold: total evidence 0 (the points of the features outweigh BIAS). Chosen on the
 * synthetic evaluation (eval/, bench phase "matching"): both names matching (by transliteration,
 * suffix or one typo) need a date of birth, a document, or a patronymic to reach it; a hard
 * negative (same surname and year of birth, another given name) stays far below it, and a
 * namesake with only a near date falls below it when other namesakes are born as near or nearer
 * (withNamesakes, namesakeRivals). Names weigh by their frequency in
 * the index, and a large index asks more of a candidate without a decisive date (FREQUENCY_WEIGHTS).
 */
export const ALERT_THRESHOLD = 0.5;

export interface PreparedPerson {
  record: PersonRecord;
  surname: NameField;
  given: NameField;
  patronymic?: NameField;
  documents: Array<{ number: string; folded: string; issuingState?: string }>;
  /** The keys the person's names are counted under in the index's name frequencies (frequencyKeys). */
  frequency: { surname?: string; given?: string };
}

export function preparePerson(record: PersonRecord): PreparedPerson {
  const surname = prepareField(record.surname) ?? { original: record.surname, words: [], joined: [], forms: [] };
  const given = prepareField(record.givenNames) ?? { original: record.givenNames, words: [], joined: [], forms: [] };
  return {
    record,
    surname,
    given,
    patronymic: prepareField(record.patronymic),
    documents: (record.documents ?? []).map((d) => ({ number: documentNumber(d.number), folded: foldMisreadings(d.number), issuingState: d.issuingState })),
    frequency: frequencyKeys(surname, given),
  };
}

/** The key under which the index counts persons with the row's name (match_name_counts.key): all persons. */
export const PERSONS_KEY = '#persons';

/**
 * The keys a person's names are counted under: `s:` and the surname's key without its suffix (so
 * Иванов, Иванова and Ivanov count as one surname), `g:` and the given names' key. The in-memory
 * index and match_name_counts count the same keys.
 */
export function frequencyKeys(surname: NameField, given: NameField): { surname?: string; given?: string } {
  const s = surname.joined[0];
  const g = given.joined[0];
  return { ...(s !== undefined && { surname: 's:' + stem(s) }), ...(g !== undefined && { given: 'g:' + g }) };
}

/**
 * How often names occur in an index: how many persons it holds, and how many of them are counted
 * under a key of frequencyKeys (0 for a key nobody has).
 */
export interface NameFrequencies {
  readonly persons: number;
  count(key: string): number;
}

export type NameHow = 'exact' | 'transliteration' | 'suffix' | 'one-typo' | 'two-typos' | 'partial' | 'different';

export interface NameFeature {
  query: string;
  candidate: string;
  how: NameHow;
  points: number;
  /**
   * The commoner of the two names (the query's, the candidate's) is shared by `count` of the
   * index's `persons` persons: `points` is what that added to (or took from) the points of the
   * class, included in `points` above (FREQUENCY_WEIGHTS). Absent when the names disagree or the
   * comparison had no frequencies (compare() without an index), and for agreements other than on
   * the same name (a typing error, a partial name: the points of the class).
   */
  frequency?: { count: number; persons: number; points: number };
}

export interface Explanation {
  order: 'straight' | 'swapped';
  /** Other persons of the index with the same names (both matching at least by suffix), when the date does not set them apart. */
  namesakes?: { count: number; points: number };
  /** The size of the index, when it asks for more evidence than a smaller one: no decisive date or document (priorPoints). */
  index?: { persons: number; points: number };
  surname: NameFeature;
  givenNames: NameFeature;
  patronymic?: NameFeature;
  dateOfBirth: { how: DateHow; query?: string; candidate?: string; points: number };
  sex: { how: 'same' | 'different' | 'absent'; points: number };
  citizenship: { how: 'same' | 'different' | 'absent'; points: number };
  document: { how: 'exact' | 'misread' | 'different' | 'absent'; query?: string; candidate?: string; points: number };
  total: number;
}

export interface MatchResult {
  score: number;
  match: boolean;
  explanation: Explanation;
}

const NAME_POINTS: Record<NameHow, number> = {
  exact: 4,
  transliteration: 4,
  suffix: 3.5,
  'one-typo': 3,
  'two-typos': 1.5,
  partial: 2,
  different: -4,
};
const RANK: Record<NameHow, number> = { exact: 6, transliteration: 5, suffix: 4, 'one-typo': 3, partial: 2.5, 'two-typos': 2, different: 0 };
const DATE_POINTS: Record<DateHow, number> = {
  exact: 3,
  'day-month-swapped': 2.5,
  'year-off-by-one': 1.5,
  'within-a-month': 1.5,
  'within-a-year': 0.5,
  different: -5,
  absent: 0,
};
/** Evidence a record needs before its score reaches 0.5. */
const BIAS = -8.5;

/**
 * Name-frequency weights (Fellegi-Sunter: agreement on a value that n of N records share is
 * evidence ln(N/n) against a coincidence). Agreement on a name shared by `count` of the index's
 * `persons` persons is worth the points of its class (NAME_POINTS) plus
 * scale × (ln(persons / count) − reference), that addition bounded to [−below, above]: a common
 * name weighs less than a rare one. `reference` is the information of a name of typical frequency
 * (so such a name keeps the points of its class); `pseudoPersons` smooths the counts of a small
 * index (frequencyPoints). `prior`, `priorPersons`: see priorPoints. Calibrated on the generator's
 * data (eval/, seed 23; the figures reported use seed 19); see docs/persons.md.
 */
export const FREQUENCY_WEIGHTS: Readonly<{ scale: number; reference: number; below: number; above: number; pseudoPersons: number; prior: number; priorPersons: number }> = {
  scale: 1,
  reference: 5.8,
  below: 2,
  above: 2,
  pseudoPersons: 10_000,
  prior: 0.5,
  priorPersons: 50_000,
};

/**
 * The prior (Fellegi-Sunter's prior odds that a pair is a match, about 1/N): an index of `persons`
 * persons holds more coincidences than one of priorPersons (in the generator's data, persons with
 * the same names and a date of birth within a year of a hard negative's), so a candidate without a
 * decisive date or document (decisive()) needs prior × ln(persons / priorPersons) more evidence
 * (none below priorPersons). A decisive date outweighs it: a namesake born the same day (or the
 * same day a year off) is rare at any size measured.
 */
export function priorPoints(persons: number): number {
  const w = FREQUENCY_WEIGHTS;
  return -Math.round(w.prior * Math.log(Math.max(1, persons / w.priorPersons)) * 100) / 100;
}

/**
 * The points a name's frequency adds to an agreement (negative for a common name). The counts are
 * smoothed with `pseudoPersons` persons of typical names (a name's share exp(−reference)): in a
 * small index every name is "common" (3 of 3 persons), which says nothing; from some tens of
 * thousands of persons on, the index's own counts decide.
 */
export function frequencyPoints(count: number, persons: number): number {
  const w = FREQUENCY_WEIGHTS;
  const info = Math.log((persons + w.pseudoPersons) / (count + w.pseudoPersons * Math.exp(-w.reference)));
  return Math.round(Math.min(w.above, Math.max(-w.below, w.scale * (info - w.reference))) * 100) / 100;
}

/** Compares two keys: how close, in the classes of the explanation. */
function compareKeys(a: string, b: string, stems: boolean): NameHow {
  if (a === b) return 'transliteration';
  if (stems) {
    // Against a -зода form, each stem also with the letter the folding of doubled letters may have
    // merged into its suffix (stemForms: Азиззода/Азизов); the closest pair.
    const forms = (k: string) => (hasReformSuffix(a) !== hasReformSuffix(b) ? stemForms(k) : [stem(k)]);
    let typos: NameHow = 'different';
    for (const sa of forms(a)) {
      for (const sb of forms(b)) {
        if (sa === sb && sa.length >= 2) return 'suffix';
        const d = editDistance(sa, sb, 2);
        const shortest = Math.min(sa.length, sb.length);
        if (d === 1 && shortest >= 3) typos = 'one-typo';
        else if (d === 2 && shortest >= 5 && typos === 'different') typos = 'two-typos';
      }
    }
    if (typos !== 'different') return typos;
    // A suffix with a typo in it (Қайратұлы / Қайраұтлы): the stem of one begins the other.
    for (const [x, y] of [[a, b], [b, a]]) {
      const sx = stem(x);
      if (sx !== x && sx.length >= 4 && editDistance(sx, y.slice(0, sx.length), 1) <= 1) return 'one-typo';
    }
  }
  const d = editDistance(a, b, 2);
  const shortest = Math.min(a.length, b.length);
  if (d === 1 && shortest >= 3) return 'one-typo';
  if (d === 2 && shortest >= 5) return 'two-typos';
  return 'different';
}

function better(x: NameHow, y: NameHow): NameHow {
  return RANK[x] >= RANK[y] ? x : y;
}

/** Compares two name fields: the joined words first, then word by word (a missing second name is partial). */
export function compareFields(q: NameField, c: NameField, stems: boolean): NameHow {
  if (q.original.trim().toUpperCase() === c.original.trim().toUpperCase()) return 'exact';
  let best: NameHow = 'different';
  for (const a of q.joined) for (const b of c.joined) best = better(best, compareKeys(a, b, stems));
  if (RANK[best] >= RANK.transliteration) return best;
  if (RANK[best] < RANK['one-typo']) {
    // Keys fold letters together; a transposition or a dropped letter can look bigger there than in the spelling.
    for (const a of q.forms) for (const b of c.forms) {
      const d = editDistance(a, b, 2);
      const shortest = Math.min(a.length, b.length);
      if (d === 1 && shortest >= 3) best = better(best, 'one-typo');
      else if (d === 2 && shortest >= 5) best = better(best, 'two-typos');
    }
  }
  if (q.words.length > 1 || c.words.length > 1) {
    // Every word of the shorter field found in the longer one: partial (or as good as its worst word).
    const [short, long] = q.words.length <= c.words.length ? [q, c] : [c, q];
    let worst: NameHow = 'exact';
    for (const w of short.words) {
      let found: NameHow = 'different';
      for (const v of long.words) for (const a of w.keys) for (const b of v.keys) found = better(found, compareKeys(a, b, stems));
      worst = RANK[found] < RANK[worst] ? found : worst;
    }
    if (worst !== 'different') best = better(best, short.words.length === long.words.length ? worst : RANK[worst] >= RANK['one-typo'] ? 'partial' : worst);
  }
  return best;
}

/** Agreements on the same name (the value both hold): only these weigh by its frequency. */
const SAME_NAME = new Set<NameHow>(['exact', 'transliteration', 'suffix']);

/**
 * Compares a name field of the query with one of the candidate's; `keys` are their frequency keys.
 * Only an agreement on the same name (SAME_NAME) weighs by that name's frequency, the commoner of
 * the two keys' counts: a typing error or a second given name (Tolga / Burak Tolga) is not an
 * agreement on the rarer spelling, and the points of those classes stay as they are.
 */
function nameFeature(q: NameField, c: NameField, stems: boolean, keys: [string | undefined, string | undefined], freq: NameFrequencies | undefined): NameFeature {
  const how = compareFields(q, c, stems);
  // One letter apart means little in a short name (Chen/Zheng, Tang/Yuan, Ling/Jing).
  const short = Math.min(q.joined[0]?.length ?? 0, c.joined[0]?.length ?? 0) < 5;
  const points = how === 'one-typo' && short ? 2.5 : NAME_POINTS[how];
  if (!SAME_NAME.has(how) || freq === undefined || keys[1] === undefined || freq.persons < 1) return { query: q.original, candidate: c.original, how, points };
  const count = Math.max(freq.count(keys[1]), keys[0] === undefined ? 0 : freq.count(keys[0]));
  const extra = frequencyPoints(count, freq.persons);
  return { query: q.original, candidate: c.original, how, points: Math.round((points + extra) * 100) / 100, frequency: { count, persons: freq.persons, points: extra } };
}

/**
 * Compares a query with a candidate. With the index's name frequencies, agreement on a name weighs
 * by how rare the candidate's name is (FREQUENCY_WEIGHTS); without them, the points of its class.
 */
export function compare(q: PreparedPerson, c: PreparedPerson, freq?: NameFrequencies): MatchResult {
  const qf = q.frequency;
  const cf = c.frequency;
  const straight = { surname: nameFeature(q.surname, c.surname, true, [qf.surname, cf.surname], freq), givenNames: nameFeature(q.given, c.given, false, [qf.given, cf.given], freq) };
  let order: 'straight' | 'swapped' = 'straight';
  let names = straight;
  if (straight.surname.how === 'different' || straight.givenNames.how === 'different') {
    const swapped = { surname: nameFeature(q.surname, c.given, true, [qf.surname, cf.given], freq), givenNames: nameFeature(q.given, c.surname, true, [qf.given, cf.surname], freq) };
    if (swapped.surname.points + swapped.givenNames.points > straight.surname.points + straight.givenNames.points) {
      names = swapped;
      order = 'swapped';
    }
  }
  let patronymic: NameFeature | undefined;
  if (q.patronymic && c.patronymic) {
    const how = compareFields(q.patronymic, c.patronymic, true);
    patronymic = { query: q.patronymic.original, candidate: c.patronymic.original, how, points: how === 'different' ? -2 : RANK[how] >= RANK.suffix ? 1 : 0.5 };
  }
  const dateHow = compareDates(q.record.dateOfBirth, c.record.dateOfBirth);
  const dateOfBirth = { how: dateHow, query: q.record.dateOfBirth, candidate: c.record.dateOfBirth, points: DATE_POINTS[dateHow] };
  const sex = pairFeature(q.record.sex, c.record.sex, 0.3, -3);
  const citizenship = pairFeature(q.record.citizenship, c.record.citizenship, 0.5, -1.5);
  const document = documentFeature(q, c);
  const prior = freq === undefined || decisive(dateHow, document.how) ? 0 : priorPoints(freq.persons);
  const total =
    names.surname.points + names.givenNames.points + (order === 'swapped' ? -0.5 : 0) + (patronymic?.points ?? 0) + dateOfBirth.points + sex.points + citizenship.points + document.points + prior;
  const score = 1 / (1 + Math.exp(-(total + BIAS)));
  const rounded = Math.round(score * 1e4) / 1e4;
  return {
    score: rounded,
    match: rounded >= ALERT_THRESHOLD,
    explanation: {
      order,
      ...names,
      ...(patronymic && { patronymic }),
      dateOfBirth,
      sex,
      citizenship,
      document,
      ...(prior !== 0 && { index: { persons: freq!.persons, points: prior } }),
      total: Math.round((total + BIAS) * 100) / 100,
    },
  };
}

function pairFeature<T>(a: T | undefined, b: T | undefined, same: number, different: number) {
  if (a === undefined || b === undefined) return { how: 'absent' as const, points: 0 };
  return a === b ? { how: 'same' as const, points: same } : { how: 'different' as const, points: different };
}

function documentFeature(q: PreparedPerson, c: PreparedPerson): Explanation['document'] {
  if (q.documents.length === 0 || c.documents.length === 0) return { how: 'absent', points: 0 };
  for (const a of q.documents) for (const b of c.documents) if (a.number === b.number) return { how: 'exact', query: a.number, candidate: b.number, points: 8 };
  for (const a of q.documents) for (const b of c.documents) if (a.folded === b.folded && a.folded.length >= 5) return { how: 'misread', query: a.number, candidate: b.number, points: 7 };
  // A person may hold several documents: another number is weak evidence against.
  return { how: 'different', points: -0.5 };
}

/** Names agree at least by suffix on both fields, and the patronymic, if both have one, too: a namesake of the query. */
export function isNamesake(r: MatchResult): boolean {
  const good = (h: NameHow) => h === 'exact' || h === 'transliteration' || h === 'suffix';
  const e = r.explanation;
  return good(e.surname.how) && good(e.givenNames.how) && (e.patronymic === undefined || good(e.patronymic.how));
}

/**
 * Dates that set a person apart from his namesakes: exact, exact with day and month swapped, or
 * the same day and month a year off (a namesake agreeing so is about as rare as one born the same
 * day; a date merely within a year or a month is shared by many namesakes of a large index).
 */
const DECISIVE_DATES = new Set<DateHow>(['exact', 'day-month-swapped', 'year-off-by-one']);

/** A date or a document that sets a candidate apart from his namesakes. */
function decisive(date: DateHow, document: Explanation['document']['how']): boolean {
  return DECISIVE_DATES.has(date) || document === 'exact' || document === 'misread';
}

/**
 * For each of a query's namesakes (candidates for which isNamesake holds), how many of the others
 * agree with the query's date of birth at least as well as it does (by the points of the date:
 * exact, then day and month swapped, then a year off or within a month, within a year, absent,
 * different): the count withNamesakes weighs. A namesake born further from the query's date than
 * the candidate does not make him ambiguous (the best-dated of them is not lowered for the others),
 * while one born as near or nearer does: names and date then say the same of both.
 */
export function namesakeRivals(namesakes: readonly MatchResult[]): number[] {
  const points = namesakes.map((r) => r.explanation.dateOfBirth.points);
  const descending = [...points].sort((a, b) => b - a);
  return points.map((p) => {
    // How many agree at least as well (the namesake itself among them): the first index below p.
    let lo = 0;
    let hi = descending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (descending[mid] >= p) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  });
}

/**
 * Lowers the score of a candidate when `count` other persons of the index share his names and
 * agree with the query's date at least as well as he does (namesakeRivals), and neither the date
 * of birth nor a document sets him apart: a common name with a near date is weak evidence
 * (Fellegi-Sunter: agreement on a frequent value weighs less).
 */
export function withNamesakes(r: MatchResult, count: number): MatchResult {
  if (count < 1 || decisive(r.explanation.dateOfBirth.how, r.explanation.document.how)) return r;
  const points = -Math.min(3, Math.round(Math.log2(count + 1) * 100) / 100);
  const total = Math.round((r.explanation.total + points) * 100) / 100;
  const score = Math.round((1 / (1 + Math.exp(-total))) * 1e4) / 1e4;
  return { score, match: score >= ALERT_THRESHOLD, explanation: { ...r.explanation, namesakes: { count, points }, total } };
}

/**
 * Name-frequency weights (engine.ts, FREQUENCY_WEIGHTS): agreement on a common name is weaker
 * evidence than agreement on a rare one, as the index counts them.
 */
import { compare, frequencyKeys, frequencyPoints, preparePerson, FREQUENCY_WEIGHTS, type NameFrequencies } from './engine';
import { MemoryPersonIndex } from './memory-index';
import { prepareField } from './normalise';
import type { PersonRecord } from './person';

/** An index of a million persons where the given counts hold (every other key: 300). */
function frequencies(counts: Record<string, number>, persons = 1_000_000): NameFrequencies {
  return { persons, count: (key) => counts[key] ?? 300 };
}

const person = (id: string, surname: string, givenNames: string, dateOfBirth = '1980-04-12'): PersonRecord => ({ id, surname, givenNames, dateOfBirth, sex: 'M' });
const keys = (surname: string, givenNames: string) => frequencyKeys(prepareField(surname)!, prepareField(givenNames)!);

describe('name-frequency weights', () => {
  it('count the surname without its suffix and across scripts (Иванов, Иванова, Ivanov: one surname)', () => {
    expect(keys('Иванов', 'Сергей').surname).toBe(keys('Иванова', 'Анна').surname);
    expect(keys('IVANOV', 'SERGEY').surname).toBe(keys('Иванов', 'Сергей').surname);
    expect(keys('Иванов', 'Сергей').given).toBe(keys('Ivanov', 'Sergey').given);
    expect(keys('Иванов', 'Сергей').surname).not.toBe(keys('Петров', 'Сергей').surname);
  });

  it('a rarer name is worth more, a commoner one less, within bounds', () => {
    const w = FREQUENCY_WEIGHTS;
    expect(frequencyPoints(10, 1_000_000)).toBeGreaterThan(frequencyPoints(3_000, 1_000_000));
    expect(frequencyPoints(3_000, 1_000_000)).toBeGreaterThan(frequencyPoints(50_000, 1_000_000));
    expect(frequencyPoints(1, 1_000_000)).toBe(w.above);
    expect(frequencyPoints(500_000, 1_000_000)).toBe(-w.below);
  });

  it('a common surname agreeing is worth less than a rare one, and the explanation says how common', () => {
    const q = preparePerson(person('q', 'Ivanov', 'Sergei'));
    const c = preparePerson(person('c', 'Иванов', 'Сергей'));
    const surnameKey = c.frequency.surname!;
    const common = compare(q, c, frequencies({ [surnameKey]: 40_000 }));
    const rare = compare(q, c, frequencies({ [surnameKey]: 20 }));
    expect(common.explanation.surname.how).toBe('transliteration');
    expect(common.explanation.surname.points).toBeLessThan(rare.explanation.surname.points);
    expect(common.score).toBeLessThan(rare.score);
    expect(common.explanation.surname.frequency).toEqual({ count: 40_000, persons: 1_000_000, points: frequencyPoints(40_000, 1_000_000) });
    expect(rare.explanation.surname.frequency?.count).toBe(20);
    // The points shown are the points added up.
    for (const r of [common, rare]) {
      const e = r.explanation;
      const sum = e.surname.points + e.givenNames.points + e.dateOfBirth.points + e.sex.points + e.citizenship.points + e.document.points + (e.index?.points ?? 0);
      expect(e.total).toBeCloseTo(sum - 8.5, 1);
    }
    // Without frequencies (a lone comparison), the points of the class and no frequency.
    expect(compare(q, c).explanation.surname).toEqual({ query: 'Ivanov', candidate: 'Иванов', how: 'transliteration', points: 4 });
  });

  it('a second given name or a typing error is no agreement on a name: no frequency (Tolga / Burak Tolga)', () => {
    const q = preparePerson(person('q', 'Çetin', 'Tolga'));
    const c = preparePerson(person('c', 'Çetin', 'Burak Tolga'));
    const r = compare(q, c, frequencies({ [c.frequency.given!]: 3, [q.frequency.given!]: 3_000 }));
    expect(r.explanation.givenNames).toMatchObject({ how: 'partial', points: 2 });
    expect(r.explanation.givenNames.frequency).toBeUndefined();
    const typo = compare(preparePerson(person('q', 'Çetin', 'Tolga')), preparePerson(person('c', 'Çetin', 'Tolgay')), frequencies({ 'g:TOLGAI': 2, 'g:TOLGA': 300 }));
    expect(typo.explanation.givenNames).toMatchObject({ how: 'one-typo', points: 3 });
    expect(typo.explanation.givenNames.frequency).toBeUndefined();
    // The same name in two spellings: the commoner count of the two keys.
    const same = compare(preparePerson(person('q', 'Çetin', 'Tolga')), preparePerson(person('c', 'Çetin', 'Tolga')), frequencies({ 'g:TOLGA': 5 }));
    expect(same.explanation.givenNames.frequency?.count).toBe(5);
  });

  it('a name that disagrees has no frequency', () => {
    const r = compare(preparePerson(person('q', 'Petrov', 'Sergei')), preparePerson(person('c', 'Иванов', 'Сергей')), frequencies({}));
    expect(r.explanation.surname.how).toBe('different');
    expect(r.explanation.surname.frequency).toBeUndefined();
  });

  it('the in-memory index counts names as it files persons; a small index says little', () => {
    const index = new MemoryPersonIndex();
    index.add([person('a', 'Иванов', 'Сергей'), person('b', 'Иванова', 'Анна'), person('c', 'Ivanov', 'Pavel'), person('d', 'Петров', 'Сергей')]);
    const f = index.frequencies;
    expect(f.persons).toBe(4);
    expect(f.count(keys('Иванов', 'Сергей').surname!)).toBe(3);
    expect(f.count(keys('Иванов', 'Сергей').given!)).toBe(2);
    expect(f.count(keys('Сидоров', 'Олег').surname!)).toBe(0);
    // Three of four persons share the surname, yet that is no evidence it is common: its points stay near the class's.
    const [best] = index.search(person('q', 'Ivanov', 'Sergei'), 1);
    expect(best.id).toBe('a');
    expect(Math.abs(best.explanation.surname.frequency!.points)).toBeLessThan(0.3);
  });
});

import { ALERT_THRESHOLD, compare, namesakeRivals, preparePerson, type MatchResult, type NameHow } from './engine';
import { foldMisreadings } from './documents';
import { compareDates } from './dates';
import type { PersonRecord } from './person';
import { MemoryPersonIndex } from './memory-index';
import { palladiusToPinyin, palladiusToPinyinWithTypo } from './chinese';

const base: PersonRecord = { id: 'a', surname: 'Қасымов', givenNames: 'Нұрлан', patronymic: 'Серікұлы', dateOfBirth: '1985-03-14', sex: 'M', citizenship: 'KAZ' };
const run = (q: Partial<PersonRecord>, c: Partial<PersonRecord> = {}) => compare(preparePerson({ ...base, id: 'q', ...q }), preparePerson({ ...base, ...c }));

describe('Tajik surnames of the 2007 reform (-ов/-ев became -зода)', () => {
  it.each([
    ['Зиёев', 'Зиёзода', 'suffix'],
    ['Азизов', 'Азиззода', 'suffix'],
    ['Азизов', 'Аиззода', 'one-typo'],
    ['Шарипов', 'Шарифзода', 'one-typo'],
    ['Каримов', 'Каримзода', 'suffix'],
  ])('%s / %s: %s', (before, after, how) => {
    const r = run({ surname: after, givenNames: 'Фаррух', patronymic: 'Умедович' }, { surname: before, givenNames: 'Фаррух', patronymic: 'Умедович' });
    expect(r.explanation.surname.how).toBe(how);
    expect(r.match).toBe(true);
  });

  it('a truncated surname is a typo, not a suffix (Касимо / Қасымов)', () => {
    expect(run({ surname: 'Касимо' }).explanation.surname.how).toBe('one-typo');
  });
});

describe('variant classes of names', () => {
  it.each<[string, Partial<PersonRecord>, 'surname' | 'givenNames', NameHow]>([
    ['ICAO transliteration', { surname: 'KASYMOV', givenNames: 'NURLAN' }, 'surname', 'transliteration'],
    ['Q for Қ', { surname: 'Qasymov' }, 'surname', 'transliteration'],
    ['-ұлы instead of -ов', { surname: 'Қасымұлы' }, 'surname', 'suffix'],
    ['-uly in Latin', { surname: 'Kasymuly' }, 'surname', 'suffix'],
    ['no suffix', { surname: 'Kasym' }, 'surname', 'suffix'],
    ['one typo', { surname: 'Касимо' }, 'surname', 'one-typo'],
    ['one typo in each name', { surname: 'Каисмоф', givenNames: 'Нурлн' }, 'givenNames', 'one-typo'],
    ['two typos', { surname: 'Касымуф' }, 'surname', 'two-typos'],
  ])('%s', (_name, q, field, how) => {
    const r = run(q);
    expect(r.explanation[field].how).toBe(how);
    expect(r.match).toBe(true);
  });

  it.each([
    ['KH/H', 'Khasanov', 'Hasanov'],
    ['ZH/DZH/J', 'Zhanbulatov', 'Dzhanbulatov'],
    ['ZH/J', 'Zhanna', 'Janna'],
    ['IA/YA', 'Mariia', 'Mariya'],
    ['GH/G', 'Ghabitov', 'Gabitov'],
    ['NG/N', 'Tangatarov', 'Tanatarov'],
    ['doubled letters', 'Alla', 'Ala'],
    ['Y/I/J', 'Sergej', 'Sergey'],
    ['YE/E', 'Yerlan', 'Erlan'],
    ['X/KH (Uzbek)', 'Xolmatov', 'Kholmatov'],
    ['Palladius/Pinyin', 'Чжан', 'Zhang'],
    ['Turkish C', 'Cengiz', 'Дженгиз'],
    ['Turkish Ğ silent', 'Doğan', 'Доан'],
    ['Turkish Ğ silent (given name)', 'Uğur', 'Уур'],
    ['Turkish Ğ read as G', 'Erdoğan', 'Эрдоган'],
    ['Ё as YO', 'Фёдоров', 'Fyodorov'],
    ['Ё as E (ICAO)', 'Фёдоров', 'Fedorov'],
    ['Turkish Ö as Ё', 'Öztürk', 'Ёзтюрк'],
  ])('%s: %s = %s', (_cls, a, b) => {
    const r = compare(preparePerson({ id: 'q', surname: a, givenNames: 'X' }), preparePerson({ id: 'c', surname: b, givenNames: 'X' }));
    expect(['transliteration', 'exact']).toContain(r.explanation.surname.how);
  });

  it('a typing error on a Turkish name written with Ё or without its silent Ğ is one typo (Доайн / Doğan, Ёмеыр / Ömer)', () => {
    const q = preparePerson({ id: 'q', surname: 'Ердсоан', givenNames: 'Уур', dateOfBirth: '2003-07-10', sex: 'M' });
    const r = compare(q, preparePerson({ id: 'c', surname: 'Erdoğan', givenNames: 'Uğur', dateOfBirth: '2003-07-10', sex: 'M' }));
    expect(r.explanation.surname.how).toBe('one-typo');
    expect(r.explanation.givenNames.how).toBe('transliteration');
    expect(r.match).toBe(true);
    // Ömer written Ёмер, with a letter too many.
    expect(compare(preparePerson({ id: 'q', surname: 'Коджабаш', givenNames: 'Ёмеыр' }), preparePerson({ id: 'c', surname: 'Kocabaş', givenNames: 'Ömer' })).explanation.givenNames.how).toBe('one-typo');
    // Only after a vowel: Ğ begins no Turkish word, and a Kazakh Ğ there is a letter (Ğalym is not Alym).
    expect(compare(preparePerson({ id: 'q', surname: 'Alym', givenNames: 'X' }), preparePerson({ id: 'c', surname: 'Ğalym', givenNames: 'X' })).explanation.surname.how).not.toBe('transliteration');
  });

  it('patronymics: -ovich/-uly meet, a different father counts against', () => {
    expect(run({ patronymic: 'Serikovich' }).explanation.patronymic?.how).toBe('suffix');
    const other = run({ patronymic: 'Бауыржанович' });
    expect(other.explanation.patronymic?.how).toBe('different');
    expect(other.score).toBeLessThan(run({}).score);
  });

  it('given and family names swapped', () => {
    const r = run({ surname: 'Nurlan', givenNames: 'Kasymov' });
    expect(r.explanation.order).toBe('swapped');
    expect(r.match).toBe(true);
  });
});

describe('dates, documents, sex, citizenship', () => {
  it.each([
    ['1985-03-14', 'exact'],
    ['1986-03-14', 'year-off-by-one'],
    ['1985-04-02', 'within-a-month'],
    ['1985-11-30', 'within-a-year'],
    ['1990-03-14', 'different'],
  ])('date of birth %s is %s', (d, how) => expect(run({ dateOfBirth: d }).explanation.dateOfBirth.how).toBe(how));

  it('day and month swapped', () => {
    expect(compareDates('1985-03-04', '1985-04-03')).toBe('day-month-swapped');
    expect(run({ dateOfBirth: '1985-03-04' }, { dateOfBirth: '1985-04-03' }).explanation.dateOfBirth.how).toBe('day-month-swapped');
  });

  it('document numbers: exact, misread (O/0, I/1, B/8, S/5, spaces, dashes)', () => {
    expect(foldMisreadings('N 1234-S67B')).toBe(foldMisreadings('N12345678'));
    expect(foldMisreadings('OI')).toBe('01');
    const exact = run({ documents: [{ number: 'N12345678' }] }, { documents: [{ number: 'N12345678' }] });
    expect(exact.explanation.document.how).toBe('exact');
    const misread = run({ documents: [{ number: 'N I2345-67B' }] }, { documents: [{ number: 'N12345678' }] });
    expect(misread.explanation.document.how).toBe('misread');
    // A new surname does not hide a person whose passport number is on record.
    const renamed = run({ surname: 'Ахметов', documents: [{ number: 'N1234S678' }] }, { documents: [{ number: 'N12345678' }] });
    expect(renamed.match).toBe(true);
  });

  it('a different sex or date of birth takes a candidate below the threshold', () => {
    expect(run({ sex: 'F' }).score).toBeLessThan(run({}).score);
    expect(run({ dateOfBirth: '1960-01-01' }).match).toBe(false);
    expect(run({ citizenship: 'RUS' }).score).toBeLessThan(run({}).score);
  });

  it('a hard negative: same surname and year, another given name', () => {
    const r = run({ givenNames: 'Айдос', dateOfBirth: '1985-09-02', patronymic: undefined });
    expect(r.match).toBe(false);
    expect(r.score).toBeLessThan(ALERT_THRESHOLD);
  });
});

describe('the explanation', () => {
  it('says per feature how it matched and what it weighed, and the points add up to the score', () => {
    const r = run({ surname: 'QASYMULY', givenNames: 'Nurlan', dateOfBirth: '1985-14-03'.replace('14-03', '03-14'), documents: [{ number: 'N12345678' }] }, { documents: [{ number: 'N1234567B' }] });
    const e = r.explanation;
    expect(e.surname).toEqual({ query: 'QASYMULY', candidate: 'Қасымов', how: 'suffix', points: 3.5 });
    expect(e.givenNames).toMatchObject({ query: 'Nurlan', candidate: 'Нұрлан', how: 'transliteration' });
    expect(e.dateOfBirth).toMatchObject({ how: 'exact', query: '1985-03-14', candidate: '1985-03-14' });
    expect(e.document).toMatchObject({ how: 'misread', query: 'N12345678', candidate: 'N1234567B' });
    expect(e.sex.how).toBe('same');
    const sum = e.surname.points + e.givenNames.points + (e.patronymic?.points ?? 0) + e.dateOfBirth.points + e.sex.points + e.citizenship.points + e.document.points;
    expect(r.score).toBeCloseTo(1 / (1 + Math.exp(-e.total)), 3);
    expect(e.total).toBeCloseTo(sum - 8.5, 2);
  });
});

describe('namesakes and short names', () => {
  it('a namesake without a decisive date weighs less, and the explanation says so', () => {
    const index = new MemoryPersonIndex();
    index.add([
      { id: 'a', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1980-05-01' },
      { id: 'b', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1980-09-20' },
      { id: 'c', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1981-01-11' },
    ]);
    const near = index.search({ id: 'q', surname: 'Ван', givenNames: 'Вэй', dateOfBirth: '1980-07-01' }, 3);
    expect(near.every((c) => !c.match)).toBe(true);
    expect(near[0].explanation.namesakes).toEqual({ count: 2, points: -1.58 });
    const exact = index.search({ id: 'q', surname: 'Ван', givenNames: 'Вэй', dateOfBirth: '1980-09-20' }, 3);
    expect(exact[0]).toMatchObject({ id: 'b', match: true });
    expect(exact[0].explanation.namesakes).toBeUndefined();
  });

  it('only namesakes agreeing with the date at least as well count against a candidate', () => {
    const index = new MemoryPersonIndex();
    index.add([
      { id: 'a', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1980-07-10' },
      { id: 'b', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1975-01-01' },
      { id: 'c', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1990-03-03' },
    ]);
    // a is born within a month of the query, b and c years away: they do not make a ambiguous.
    const [best, ...rest] = index.search({ id: 'q', surname: 'Ван', givenNames: 'Вэй', dateOfBirth: '1980-07-01' }, 3);
    expect(best).toMatchObject({ id: 'a', match: true });
    expect(best.explanation.namesakes).toBeUndefined();
    // b and c each have two namesakes dated at least as well (a, and each other: both 'different').
    for (const c of rest) expect(c.explanation.namesakes).toEqual({ count: 2, points: -1.58 });
    // A namesake as near (within a month too) counts against a, and a against it.
    index.add([{ id: 'd', surname: 'Wang', givenNames: 'Wei', dateOfBirth: '1980-06-20' }]);
    const two = index.search({ id: 'q', surname: 'Ван', givenNames: 'Вэй', dateOfBirth: '1980-07-01' }, 2);
    expect(two.map((c) => c.id).sort()).toEqual(['a', 'd']);
    for (const c of two) expect(c.explanation.namesakes).toEqual({ count: 1, points: -1 });
  });

  it('namesakeRivals: the others agreeing with the date at least as well', () => {
    const at = (points: number) => ({ explanation: { dateOfBirth: { points } } }) as MatchResult;
    expect(namesakeRivals([at(1.5), at(-5), at(0.5), at(1.5), at(3)])).toEqual([2, 4, 3, 2, 0]);
    expect(namesakeRivals([at(0.5)])).toEqual([0]);
  });

  it('one letter apart in a short name is weak evidence (Chen/Zheng)', () => {
    const r = compare(preparePerson({ id: 'q', surname: 'Chen', givenNames: 'Ying', dateOfBirth: '1970-01-01' }), preparePerson({ id: 'c', surname: 'Zheng', givenNames: 'Ying', dateOfBirth: '1970-06-01' }));
    expect(r.explanation.surname).toMatchObject({ how: 'one-typo', points: 2.5 });
    expect(r.match).toBe(false);
  });

  it('a Chinese name in Cyrillic with a typing error still reads as Pinyin', () => {
    expect(palladiusToPinyin('ЦЗИНЦЗИН')).toBe('JINGJING');
    expect(palladiusToPinyinWithTypo('ЦЗНЦЗИН')).toContain('JINGJING');
    expect(palladiusToPinyin('ИВАНОВ')).toBeUndefined();
  });
});

it('a Russian name is not read as Chinese with a typo (Иван is not Ван)', () => {
  expect(palladiusToPinyinWithTypo('ИВАН')).toEqual([]);
});

import { CYRILLIC_TO_LATIN, KAZAKH_LETTERS, toCyrillic, toLatin } from './translit';
import { latinForms, nameKey } from './normalise';

const key = (w: string) => latinForms(w).map(nameKey);

describe('transliteration tables', () => {
  it.each([
    // letter, icao, gost, kz2021
    ['Ә', 'A', 'A', 'Ä'],
    ['Ғ', 'G', 'GH', 'Ğ'],
    ['Қ', 'K', 'Q', 'Q'],
    ['Ң', 'N', 'NG', 'Ñ'],
    ['Ө', 'O', 'O', 'Ö'],
    ['Ұ', 'U', 'U', 'Ū'],
    ['Ү', 'U', 'U', 'Ü'],
    ['Һ', 'H', 'H', 'H'],
    ['І', 'I', 'I', 'I'],
  ])('Kazakh %s -> ICAO %s, GOST/passport %s, Kazakh Latin 2021 %s', (letter, icao, gost, kz) => {
    expect(CYRILLIC_TO_LATIN.icao[letter]).toBe(icao);
    expect(CYRILLIC_TO_LATIN.gost[letter]).toBe(gost);
    expect(toLatin(letter, 'kz2021')).toBe(kz);
  });

  it('every Kazakh letter back from the Kazakh Latin alphabet 2021 (Һ comes back as Һ)', () => {
    for (const letter of KAZAKH_LETTERS) expect(toCyrillic(toLatin(letter, 'kz2021'), 'kz2021')).toBe(letter);
    expect(toCyrillic('Qazaqstan', 'kz2021')).toBe('ҚАЗАҚСТАН');
    expect(toCyrillic('Äliia Ğabitqyzy', 'kz2021')).toBe('ӘЛИЯ ҒАБИТҚЫЗЫ');
  });

  it('every Kazakh letter both ways under the GOST/passport scheme where the Latin is distinct', () => {
    for (const letter of ['Ғ', 'Қ', 'Ң'] as const) expect(toCyrillic(toLatin(letter, 'gost'), 'gost')).toBe(letter);
  });

  it('ICAO Doc 9303 for Russian letters', () => {
    expect(toLatin('ЖХЦЧШЩЪЫЮЯЙЁ', 'icao')).toBe('ZHKHTSCHSHSHCHIEYIUIAIE');
    expect(toLatin('Юлия Щербакова', 'icao')).toBe('Iuliia Shcherbakova');
    expect(toCyrillic('SHCHERBAKOVA', 'icao')).toBe('ЩЕРБАКОВА');
    expect(toLatin('Юлия', 'gost')).toBe('Yuliya');
  });

  it('Tajik and Kyrgyz letters', () => {
    expect(toLatin('Ҷӯраев', 'icao')).toBe('Dzhuraev');
    expect(toLatin('Ҳасанов', 'icao')).toBe('Khasanov');
    expect(toLatin('Ӣ', 'icao')).toBe('I');
  });

  it('every Kazakh letter meets its Latin forms in the matching key, whatever the scheme', () => {
    for (const letter of KAZAKH_LETTERS) {
      const word = `А${letter}А`;
      const k = key(word)[0];
      for (const scheme of ['icao', 'gost', 'kz2021'] as const) expect(key(toLatin(word, scheme))).toContain(k);
    }
  });
});

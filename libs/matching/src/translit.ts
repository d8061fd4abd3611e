/**
 * Cyrillic <-> Latin transliteration tables. Three schemes:
 *  - `icao`: ICAO Doc 9303 (8th edition, 2021) Part 3, section 6 table for Cyrillic; the Kazakh
 *    letters it lacks (Ә Ғ Қ Ң Ө Ұ Ү Һ) as the Kazakh passport office writes them (A G K N O U U H),
 *    Tajik Ӣ Ӯ Ҳ Ҷ as I U KH DZH, Uzbek/Belarusian Ў as U.
 *  - `gost`: Russian passport-office practice before ICAO 2013 (Й/Ы Y, Ю YU, Я YA, Ъ omitted) and
 *    the Latin conventions often met for Kazakh letters (Ғ GH, Қ Q, Ң NG, Ө O, Ұ/Ү U, Һ H, Ә A).
 *  - `kz2021`: the Kazakh Latin alphabet of 2021 (Ä Ğ Q Ñ Ö Ū Ü Ş I İ Y J); letters outside it
 *    (Ц Ч Щ Ё Ю Я) as loanwords are written (Ts Ch Ş İo İu İa).
 * Matching does not depend on which scheme wrote a name: see normalise.ts.
 */
export type Scheme = 'icao' | 'gost' | 'kz2021';

const COMMON: Record<string, string> = {
  А: 'A', Б: 'B', В: 'V', Г: 'G', Д: 'D', Е: 'E', З: 'Z', И: 'I', К: 'K', Л: 'L', М: 'M', Н: 'N', О: 'O',
  П: 'P', Р: 'R', С: 'S', Т: 'T', У: 'U', Ф: 'F', Ь: '', Э: 'E', І: 'I', Ў: 'U', Ӣ: 'I', Ӯ: 'U',
};

export const CYRILLIC_TO_LATIN: Record<Scheme, Record<string, string>> = {
  icao: {
    ...COMMON, Ё: 'E', Ж: 'ZH', Й: 'I', Х: 'KH', Ц: 'TS', Ч: 'CH', Ш: 'SH', Щ: 'SHCH', Ъ: 'IE', Ы: 'Y', Ю: 'IU', Я: 'IA',
    Ә: 'A', Ғ: 'G', Қ: 'K', Ң: 'N', Ө: 'O', Ұ: 'U', Ү: 'U', Һ: 'H', Ҳ: 'KH', Ҷ: 'DZH',
  },
  gost: {
    ...COMMON, Ё: 'E', Ж: 'ZH', Й: 'Y', Х: 'KH', Ц: 'TS', Ч: 'CH', Ш: 'SH', Щ: 'SHCH', Ъ: '', Ы: 'Y', Ю: 'YU', Я: 'YA',
    Ә: 'A', Ғ: 'GH', Қ: 'Q', Ң: 'NG', Ө: 'O', Ұ: 'U', Ү: 'U', Һ: 'H', Ҳ: 'H', Ҷ: 'J',
  },
  kz2021: {
    ...COMMON, И: 'İ', Ё: 'İO', Ж: 'J', Й: 'İ', Х: 'H', Ц: 'TS', Ч: 'CH', Ш: 'Ş', Щ: 'Ş', Ъ: '', Ы: 'Y', Ю: 'İU', Я: 'İA',
    Ә: 'Ä', Ғ: 'Ğ', Қ: 'Q', Ң: 'Ñ', Ө: 'Ö', Ұ: 'Ū', Ү: 'Ü', Һ: 'H', Ҳ: 'H', Ҷ: 'J',
  },
};

/** The Kazakh letters beyond Russian, for tables and tests. */
export const KAZAKH_LETTERS = ['Ә', 'Ғ', 'Қ', 'Ң', 'Ө', 'Ұ', 'Ү', 'Һ', 'І'] as const;

const lower = (s: string) => s.replace(/İ/g, 'i').toLowerCase();

function applyCase(latin: string, upper: boolean, nextLower: boolean): string {
  if (upper) return nextLower ? latin.charAt(0) + lower(latin.slice(1)) : latin;
  return lower(latin);
}

/** Cyrillic text to Latin under a scheme; other characters pass through. Keeps the case of words. */
export function toLatin(text: string, scheme: Scheme = 'icao'): string {
  const table = CYRILLIC_TO_LATIN[scheme];
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const up = ch.toUpperCase();
    const latin = table[up];
    if (latin === undefined) {
      out += ch;
      continue;
    }
    const upper = ch === up && ch !== ch.toLowerCase();
    const next = chars[i + 1];
    const nextLower = next !== undefined && next !== next.toUpperCase();
    // In kz2021 the dotless lower-case of I is ı (І і -> I ı) and İ lower-cases to i.
    if (scheme === 'kz2021' && up === 'І') out += upper ? 'I' : 'ı';
    else out += applyCase(latin, upper, nextLower);
  }
  return out;
}

/** Latin (upper case) to Cyrillic, longest match first, per scheme; the inverse of toLatin where it is one. */
const LATIN_TO_CYRILLIC: Record<Scheme, Array<[string, string]>> = {
  icao: [['SHCH', 'Щ'], ['DZH', 'ДЖ'], ['ZH', 'Ж'], ['KH', 'Х'], ['TS', 'Ц'], ['CH', 'Ч'], ['SH', 'Ш'], ['IU', 'Ю'], ['IA', 'Я']],
  gost: [['SHCH', 'Щ'], ['ZH', 'Ж'], ['KH', 'Х'], ['TS', 'Ц'], ['CH', 'Ч'], ['SH', 'Ш'], ['YU', 'Ю'], ['YA', 'Я'], ['GH', 'Ғ'], ['NG', 'Ң'], ['Q', 'Қ'], ['Y', 'Ы']],
  kz2021: [['İO', 'Ё'], ['İU', 'Ю'], ['İA', 'Я'], ['TS', 'Ц'], ['CH', 'Ч'], ['Ä', 'Ә'], ['Ğ', 'Ғ'], ['Q', 'Қ'], ['Ñ', 'Ң'], ['Ö', 'Ө'], ['Ū', 'Ұ'], ['Ü', 'Ү'], ['Ş', 'Ш'], ['J', 'Ж'], ['H', 'Һ'], ['İ', 'И'], ['I', 'І'], ['Y', 'Ы']],
};
const LATIN_SINGLE: Record<string, string> = {
  A: 'А', B: 'Б', V: 'В', G: 'Г', D: 'Д', E: 'Е', Z: 'З', I: 'И', K: 'К', L: 'Л', M: 'М', N: 'Н', O: 'О', P: 'П',
  R: 'Р', S: 'С', T: 'Т', U: 'У', F: 'Ф', Y: 'Ы', H: 'Х', J: 'Ж', C: 'Ц', X: 'Х', W: 'В', Q: 'К',
};

/** Latin to Cyrillic under a scheme (upper case out). */
export function toCyrillic(text: string, scheme: Scheme = 'icao'): string {
  const src = scheme === 'kz2021' ? text.replace(/ı/g, 'I').replace(/i/g, 'İ').toUpperCase() : text.toUpperCase();
  const rules = LATIN_TO_CYRILLIC[scheme];
  let out = '';
  for (let i = 0; i < src.length; ) {
    const rule = rules.find(([lat]) => src.startsWith(lat, i));
    if (rule) {
      out += rule[1];
      i += rule[0].length;
    } else {
      out += LATIN_SINGLE[src[i]] ?? src[i];
      i++;
    }
  }
  return out;
}

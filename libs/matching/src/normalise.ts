/**
 * Names in any script to comparable forms:
 *  - `latinForm`: upper-case ASCII Latin, whatever script and scheme wrote the name;
 *  - `nameKey`: a phonetic key that folds the variants between schemes and offices (KH/H/X, ZH/DZH/J,
 *    IA/YA, Q/K, GH/G, NG/N, Y/I/J, doubled letters, YE/E);
 *  - `stem`: the key without family-name and patronymic suffixes (-ов/-ева/-ин, -ұлы/-қызы,
 *    -уулу/-кызы, -зода, -ович/-евна ...);
 *  - `skeleton`: the stem's consonants (with its first letter), for index keys.
 */
import { palladiusToPinyin, palladiusToPinyinWithTypo } from './chinese';

/** Cyrillic to Latin for matching: the broadest reading (Й/Ы Y, Ю YU, Я YA), folded later. */
const CYR: Record<string, string> = {
  А: 'A', Б: 'B', В: 'V', Г: 'G', Д: 'D', Е: 'E', Ё: 'E', Ж: 'ZH', З: 'Z', И: 'I', Й: 'Y', К: 'K', Л: 'L', М: 'M',
  Н: 'N', О: 'O', П: 'P', Р: 'R', С: 'S', Т: 'T', У: 'U', Ф: 'F', Х: 'KH', Ц: 'TS', Ч: 'CH', Ш: 'SH', Щ: 'SHCH',
  Ъ: '', Ы: 'Y', Ь: '', Э: 'E', Ю: 'YU', Я: 'YA', Є: 'YE', Ї: 'I', Ґ: 'G',
  Ә: 'A', Ғ: 'G', Қ: 'K', Ң: 'NG', Ө: 'O', Ұ: 'U', Ү: 'U', Һ: 'H', І: 'I', Ӣ: 'I', Ӯ: 'U', Ҳ: 'H', Ҷ: 'J', Ў: 'U',
  Ҙ: 'Z', Ҡ: 'K', Ҫ: 'S', Ӓ: 'A', Ӧ: 'O', Ӱ: 'U',
};
/** Latin letters with diacritics (Kazakh 2021, Turkish, Uzbek, Azerbaijani) to ASCII. */
const LAT: Record<string, string> = {
  Ä: 'A', Ə: 'A', Ö: 'O', Ü: 'U', Ū: 'U', Ğ: 'G', Ñ: 'NG', Ş: 'SH', Ç: 'CH', İ: 'I', Ž: 'ZH', Š: 'SH', Č: 'CH',
};

const CYRILLIC = /[\u0400-\u04FF]/;

/** Splits a name field into words (spaces, hyphens, commas). */
export function words(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[\s\-‐‑–—,.]+/u)
    .filter((w) => w !== '');
}

/** Readings already computed: names repeat, and the tolerant Palladius reading is not cheap. */
const FORMS_CACHE = new Map<string, string[]>();
const FORMS_CACHE_SIZE = 200_000;

/**
 * Upper-case ASCII Latin readings of one word: one, and another for a word that can be Chinese
 * (Palladius), has Ё (E or YO) or a silent Turkish Ğ.
 */
export function latinForms(word: string): string[] {
  const cached = FORMS_CACHE.get(word);
  if (cached !== undefined) return cached;
  const forms = computeLatinForms(word);
  if (FORMS_CACHE.size >= FORMS_CACHE_SIZE) FORMS_CACHE.clear();
  FORMS_CACHE.set(word, forms);
  return forms;
}

function computeLatinForms(word: string): string[] {
  const up = word.toUpperCase().replace(/[’'`ʻʼ‘]/g, '');
  const forms: string[] = [];
  if (CYRILLIC.test(up)) {
    const pinyin = palladiusToPinyin(up);
    forms.push(...(pinyin !== undefined ? [pinyin] : palladiusToPinyinWithTypo(up)));
  }
  const out = ascii(up);
  if (out !== '' && !forms.includes(out)) forms.push(out);
  // Ё is E in passports (ICAO) and YO elsewhere (Fyodor, Kazakh 2021 İO, Turkish Ö: Ёмер Ömer).
  if (up.includes('Ё')) {
    const yo = ascii(up.replace(/Ё/g, 'ЙО'));
    if (yo !== '' && !forms.includes(yo)) forms.push(yo);
  }
  // Turkish Ğ after a vowel is silent and Russian writes it so (Doğan Доан, Uğur Уур, Erdoğan
  // Эрдоан): the reading without it too, after the one with G (which the name is counted under).
  if (!CYRILLIC.test(up) && SILENT_G.test(up)) {
    const silent = ascii(up.replace(SILENT_G_ALL, ''));
    if (silent !== '' && !forms.includes(silent)) forms.push(silent);
  }
  return forms;
}

/** Ğ after a vowel (Turkish yumuşak g; never at the start of a word). */
const SILENT_G = /(?<=[AEIOUÖÜÂÎÛ])Ğ/u;
const SILENT_G_ALL = new RegExp(SILENT_G.source, 'gu');

/** An upper-case word in any script as upper-case ASCII Latin (Cyrillic by CYR, diacritics by LAT or dropped). */
function ascii(up: string): string {
  let out = '';
  for (const ch of up) {
    const m = CYR[ch] ?? LAT[ch];
    if (m !== undefined) out += m;
    else if (ch >= 'A' && ch <= 'Z') out += ch;
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      if (/^[A-Z]+$/.test(base)) out += base;
    }
  }
  return out;
}

/** The phonetic key of an upper-case Latin form (see the file comment). */
export function nameKey(form: string): string {
  let s = form
    .replace(/DZH|DJ|ZH/g, 'j')
    .replace(/SHCH|SCH|SH/g, 'w')
    .replace(/TCH|CH/g, 'c')
    .replace(/KH/g, 'h')
    .replace(/TS/g, 'q')
    .replace(/GH/g, 'G')
    .replace(/PH/g, 'F');
  // J: Ж before a vowel (Janna, Jomart), Й elsewhere (Sergej); Turkish C is the sound of Дж.
  s = s.replace(/J(?=[AEIOUY])/g, 'j').replace(/J/g, 'I').replace(/C/g, 'j');
  s = s.replace(/X/g, 'h').replace(/H/g, 'h').replace(/Q/g, 'K').replace(/W/g, 'V').replace(/Y/g, 'I');
  s = s.replace(/NG/g, 'N');
  // YE/IE at the start or after a vowel is E (Yerlan/Erlan, Andreyev/Andreev).
  s = s.replace(/^IE/, 'E').replace(/([AEIOU])IE/g, '$1E');
  // Ю/Ё written YU/IU/YO/IO on one side and U/O on the other (Turkish Ü/Ö, Юнал/Ünal).
  // (Not the -ұлы/-уулу endings: Әлиұлы stays ALI-ULI.)
  s = s.replace(/I([OU])(?!LI$|ULU$)/g, '$1');
  // Doubled letters once (Mariia/Mariya -> MARIA, Ali/Alli).
  s = s.replace(/(.)\1+/g, '$1');
  return s.toUpperCase();
}

/** Suffixes of family names and patronymics in key form (C is Ч), longest first. */
const SUFFIXES = [
  'OVICNA', 'EVICNA', 'INICNA', 'ICNA', 'OVIC', 'EVIC', 'OVNA', 'EVNA', 'UULU', 'KIZI', 'ULI', 'ZADE', 'ZODA', 'ZOD',
  'OVA', 'EVA', 'INA', 'SKAIA', 'SKII', 'SKI', 'OV', 'EV', 'IN',
];

/**
 * The key without a family-name/patronymic suffix, if enough remains: two letters after a long
 * suffix (Шоев/Шозода: W-O), three after -ов/-ев/-ин (so that Lin, Jin stay whole).
 */
export function stem(key: string): string {
  for (const suffix of SUFFIXES) {
    if (key.length - suffix.length >= (suffix.length >= 3 ? 2 : 3) && key.endsWith(suffix)) return key.slice(0, -suffix.length);
  }
  return key;
}

/** Tajik (-зода, -зод, since the 2007 reform replacing -ов/-ев) and Azerbaijani (-заде) surname endings. */
const REFORM_SUFFIXES = ['ZODA', 'ZOD', 'ZADE'];

/** Whether a key ends in a -зода/-заде suffix (see stemForms). */
export function hasReformSuffix(key: string): boolean {
  return REFORM_SUFFIXES.some((s) => key.endsWith(s) && stem(key) !== key);
}

/**
 * The stems a key may have when compared with a -зода form: `stem(key)`, and that stem with the
 * letter that folding doubled letters may have merged into the suffix given back. Азиззода
 * (AZIZZODA, folded AZIZODA) is Азизов's stem AZIZ, and Зиёев (ZIEEV, folded ZIEV) is Зиёзода's ZIE:
 * the reform turned Зиёев into Зиёзода and Азизов into Азиззода. (Only then: otherwise a truncated
 * Касимо would read as Касимов without its suffix.)
 */
export function stemForms(key: string): string[] {
  let s = stem(key);
  // A short stem before -ов/-ев (Зиёев: ZI-EV) is kept whole by stem() (Lin, Jin); here it is not.
  if (s === key) s = ['OV', 'EV'].find((x) => key.length - x.length >= 2 && key.endsWith(x)) ? key.slice(0, -2) : key;
  if (s === key) return [s];
  return [s, s + key.charAt(s.length)];
}

/** The consonant skeleton of a key: first letter, then consonants. */
export function skeleton(key: string): string {
  return key.charAt(0) + key.slice(1).replace(/[AEIOU]/g, '');
}

/** One word of a name with its comparable forms. */
export interface NameWord {
  original: string;
  /** Keys of the word's readings (two for a Palladius word). */
  keys: string[];
  stems: string[];
}

export function prepareWord(word: string): NameWord {
  const keys = [...new Set(latinForms(word).map(nameKey))].filter((k) => k !== '');
  return { original: word, keys, stems: [...new Set(keys.map(stem))] };
}

/** A name field (surname, given names, patronymic) as words plus the words joined (Xiao Ming = Xiaoming). */
export interface NameField {
  original: string;
  words: NameWord[];
  /** Keys of the whole field, words joined. */
  joined: string[];
  /** Latin forms of the whole field, words joined (typos are counted on these too). */
  forms: string[];
}

export function prepareField(text: string | undefined): NameField | undefined {
  if (text === undefined) return undefined;
  const ws = words(text).map(prepareWord).filter((w) => w.keys.length > 0);
  if (ws.length === 0) return undefined;
  let forms = [''];
  for (const w of words(text)) forms = forms.flatMap((j) => latinForms(w).map((k) => j + k)).slice(0, 4);
  forms = [...new Set(forms)].filter((f) => f !== '');
  return { original: text, words: ws, joined: [...new Set(forms.map(nameKey))], forms };
}

/**
 * Synthetic identities and their variants, seeded and deterministic, for the evaluation of the
 * matching engine (unit-sized in the test suite, at scale in the bench). An identity is written as
 * its home documents write it (Cyrillic for KAZ/RUS/UZB/KGZ/TJK, Latin for CHN/TUR); a query is
 * the same person as another system wrote him, one variant class (or two combined) at a time, or a
 * hard negative: another person with the same surname and year of birth.
 */
import { seededRandom } from '@shekara/common';
import { pinyinToPalladius } from '../chinese';
import { toLatin, type Scheme } from '../translit';
import type { PersonRecord } from '../person';
import { NATIONALITIES, POOLS, turkishToCyrillic, type Nationality } from './names';

export const VARIANT_CLASSES = [
  'transliteration',
  'spelling',
  'suffix',
  'patronymic',
  'swapped',
  'typo-1',
  'typo-2',
  'dob-swapped',
  'dob-within-year',
  'document-misread',
  'document-new-surname',
  'transliteration+typo-1',
  'transliteration+swapped',
  'suffix+transliteration',
  'transliteration+dob-within-year',
  'spelling+dob-swapped',
  'suffix+typo-1',
  'document-misread+typo-2',
] as const;
export type VariantClass = (typeof VARIANT_CLASSES)[number];


export interface Identity extends PersonRecord {
  nationality: Nationality;
  /** The father's given name, for patronymic variants. */
  father: string;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const pad = (n: number) => String(n).padStart(2, '0');
const ISO3: Record<Nationality, string> = { KAZ: 'KAZ', RUS: 'RUS', UZB: 'UZB', KGZ: 'KGZ', TJK: 'TJK', CHN: 'CHN', TUR: 'TUR' };

function feminine(surname: string): string {
  return /(ов|ев|ёв|ин)$/u.test(surname) ? surname + 'а' : surname;
}

function patronymicOf(father: string, sex: 'M' | 'F', nationality: Nationality, r: () => number): string | undefined {
  if (nationality === 'CHN' || nationality === 'TUR') return undefined;
  if (nationality === 'KAZ' && r() < 0.4) return father + (sex === 'M' ? 'ұлы' : 'қызы');
  if (nationality === 'KGZ' && r() < 0.3) return father + (sex === 'M' ? ' уулу' : ' кызы');
  const soft = /[йь]$/u.test(father);
  const base = soft ? father.slice(0, -1) : father;
  if (/а$/u.test(father)) return base.slice(0, -1) + (sex === 'M' ? 'ич' : 'инична');
  return base + (soft ? (sex === 'M' ? 'евич' : 'евна') : sex === 'M' ? 'ович' : 'овна');
}

const GIVEN_SYLLABLES = 'WEI MING XIAO JUN QIANG YONG LEI PING GANG HUA JIAN GUO HAO BO KAI DONG HAI TAO ZHI JIN LONG XIN YU TIAN JIA ZI XIANG GUANG HUI FANG NA LING YAN XUE MEI HONG JING YING LAN XIU GUI CHUN QING LI AN BIN CHAO FENG HONG JIE JUN KUN LIANG NING PENG RONG SHENG WEN XUAN YANG YUAN ZHEN'.split(' ').filter((s) => s !== 'SHENG');

/** Chinese names written in Pinyin, with their syllables (for the Palladius reading). */
const CHINESE_SYLLABLES = new Map<string, string[]>();

function chineseName(r: () => number, list: string[]): string {
  const syllables = pick(r, list).split('-');
  const joined = syllables.join('');
  const name = joined.charAt(0) + joined.slice(1).toLowerCase();
  CHINESE_SYLLABLES.set(name, syllables);
  return name;
}

/** `count` identities from the seed, one at a time (the bench streams a million). */
export function* identities(count: number, seed = 19): Generator<Identity> {
  const r = seededRandom(seed);
  for (let i = 0; i < count; i++) yield identity(r, `P${String(i).padStart(7, '0')}`);
}

/** `count` identities from the seed. */
export function generateIdentities(count: number, seed = 19): Identity[] {
  return [...identities(count, seed)];
}

function identity(r: () => number, id: string, forced?: { nationality: Nationality; surname: string; year: number; sex: 'M' | 'F' }): Identity {
  const nationality = forced?.nationality ?? pick(r, NATIONALITIES);
  const pool = POOLS[nationality];
  const sex: 'M' | 'F' = forced?.sex ?? (r() < 0.5 ? 'M' : 'F');
  let surname: string;
  let givenNames: string;
  const father = nationality === 'CHN' ? '' : pick(r, pool.male);
  if (nationality === 'CHN') {
    surname = forced?.surname ?? chineseName(r, pool.surnames);
    // Chinese given names are mostly free pairs of syllables: a list alone repeats too often.
    givenNames = r() < 0.3 ? chineseName(r, sex === 'M' ? pool.male : pool.female) : chineseName(r, [`${pick(r, GIVEN_SYLLABLES)}-${pick(r, GIVEN_SYLLABLES)}`]);
  } else {
    surname = forced?.surname ?? (sex === 'F' ? feminine(pick(r, pool.surnames)) : pick(r, pool.surnames));
    givenNames = pick(r, sex === 'M' ? pool.male : pool.female);
    // Two given names are common in Turkey (Mehmet Ali).
    if (nationality === 'TUR' && r() < 0.35) {
      const second = pick(r, sex === 'M' ? pool.male : pool.female);
      if (second !== givenNames) givenNames += ' ' + second;
    }
  }
  const year = forced?.year ?? 1950 + Math.floor(r() * 55);
  const dateOfBirth = `${year}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`;
  const patronymic = patronymicOf(father, sex, nationality, r);
  const p: Identity = { id, nationality, father, surname, givenNames, dateOfBirth, sex, citizenship: ISO3[nationality] };
  if (patronymic !== undefined) p.patronymic = patronymic;
  if (r() < 0.7) p.documents = [{ number: documentNumberFor(r, nationality), issuingState: ISO3[nationality], type: 'P' }];
  return p;
}

function documentNumberFor(r: () => number, nationality: Nationality): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  const letters = 'ABCEHKMNOPSTX';
  switch (nationality) {
    case 'KAZ': return 'N' + digits(8);
    case 'RUS': return digits(2) + ' ' + digits(7);
    case 'UZB': return 'A' + pick(r, [...letters]) + digits(7);
    case 'KGZ': return 'AC' + digits(7);
    case 'TJK': return '4' + digits(8);
    case 'CHN': return 'E' + digits(8);
    case 'TUR': return 'U' + digits(8);
  }
}

/** A name written in the other script (Cyrillic -> Latin under a random scheme, Latin -> Cyrillic). */
function otherScript(name: string, nationality: Nationality, r: () => number): string {
  if (nationality === 'CHN') {
    const syllables = CHINESE_SYLLABLES.get(name);
    const cyr = syllables && pinyinToPalladius(syllables);
    if (cyr === undefined) throw new Error(`no Palladius for ${name}`);
    return cyr.charAt(0) + cyr.slice(1).toLowerCase();
  }
  if (nationality === 'TUR') return turkishToCyrillic(name);
  const scheme = pick<Scheme>(r, ['icao', 'icao', 'gost', 'kz2021']);
  return toLatin(name, scheme);
}

/** Common Latin spelling variants (KH/H, ZH/J, IA/YA, Q/K, GH/G, NG/N, doubled letters, Y/I/J). */
function spelling(latin: string, r: () => number): string {
  const rules: Array<[RegExp, string]> = [
    [/kh/gi, 'h'], [/zh/gi, 'j'], [/zh/gi, 'dzh'], [/ia/gi, 'ya'], [/iu/gi, 'yu'], [/q/gi, 'k'], [/gh/gi, 'g'], [/ng/gi, 'n'],
    [/y/gi, 'i'], [/i$/gi, 'y'], [/([lnsr])/i, '$1$1'], [/ei/gi, 'ey'], [/ai/gi, 'ay'], [/j/gi, 'zh'], [/^e/i, 'Ye'], [/x/gi, 'kh'], [/(?<![cszkgCSZKG])h/g, 'kh'],
  ];
  const applicable = rules.filter(([re]) => { re.lastIndex = 0; return re.test(latin); });
  if (applicable.length === 0) return latin + latin.charAt(latin.length - 1);
  const [re, to] = pick(r, applicable);
  re.lastIndex = 0;
  const s = latin.replace(re, to);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Typing errors: a neighbouring letter, a dropped or doubled letter, two letters swapped. */
function typo(name: string, r: () => number): string {
  const chars = [...name];
  if (chars.length < 4) return name;
  const i = 1 + Math.floor(r() * (chars.length - 1));
  const op = Math.floor(r() * 4);
  const cyr = /[\u0400-\u04FF]/.test(name);
  const alphabet = [...(cyr ? 'абвгдежзийклмнопрстуфхшы' : 'abcdefghijklmnoprstuvyz')];
  if (op === 0) chars[i] = pick(r, alphabet.filter((c) => c !== chars[i].toLowerCase()));
  else if (op === 1) chars.splice(i, 1);
  else if (op === 2) chars.splice(i, 0, pick(r, alphabet));
  else if (i < chars.length - 1) [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
  else chars.splice(i, 1);
  return chars.join('');
}

function stripSuffix(surname: string, p: Identity): string {
  const cyr = /[\u0400-\u04FF]/.test(surname);
  const m = /(ова|ева|ёва|ина|ов|ев|ёв|ин)$/u.exec(surname);
  const base = m ? surname.slice(0, -m[0].length) : surname;
  // Юрьев without -ев is not a name anyone writes; nor is a two-letter stem.
  if (/ь$/u.test(base) || [...base].length < 3) return surname;
  if (!cyr || p.nationality === 'CHN' || p.nationality === 'TUR') return surname;
  if (p.nationality === 'KAZ') return base + (p.sex === 'M' ? 'ұлы' : 'қызы');
  if (p.nationality === 'KGZ') return base + (p.sex === 'M' ? ' уулу' : ' кызы');
  if (p.nationality === 'TJK') return base.replace(/зода$/u, '') + (m ? 'зода' : 'ов');
  return m ? base : surname + 'ов';
}

const MISREAD: Record<string, string> = { '0': 'O', '1': 'I', '8': 'B', '5': 'S', O: '0', I: '1', B: '8', S: '5' };

function misread(number: string, r: () => number): string {
  const chars = [...number.replace(/\s/g, '')];
  const spots = chars.map((c, i) => (MISREAD[c] ? i : -1)).filter((i) => i >= 0);
  if (spots.length > 0) {
    const i = pick(r, spots);
    chars[i] = MISREAD[chars[i]];
  }
  let s = chars.join('');
  if (r() < 0.5) s = s.slice(0, 2) + (r() < 0.5 ? ' ' : '-') + s.slice(2);
  return s;
}

function dobSwapped(d: string): string | undefined {
  const [y, m, day] = d.split('-');
  if (Number(day) > 12 || m === day) return undefined;
  return `${y}-${day}-${m}`;
}

function dobWithinYear(d: string, r: () => number): string {
  const [y, m, day] = d.split('-').map(Number);
  if (r() < 0.5) return `${y + (r() < 0.5 ? -1 : 1)}-${pad(m)}-${pad(day)}`;
  const shift = (1 + Math.floor(r() * 300)) * (r() < 0.5 ? -1 : 1);
  const t = new Date(Date.UTC(y, m - 1, day) + shift * 86_400_000);
  return t.toISOString().slice(0, 10);
}

/** One query of the class made from an identity, or undefined when the class does not apply to it. */
export function variant(p: Identity, cls: VariantClass, r: () => number, id: string): PersonRecord | undefined {
  let q: PersonRecord = { id, surname: p.surname, givenNames: p.givenNames, patronymic: p.patronymic, dateOfBirth: p.dateOfBirth, sex: p.sex, citizenship: p.citizenship, documents: p.documents?.map((d) => ({ ...d })) };
  // Another system often knows less: drop what the class does not rely on, now and then.
  if (r() < 0.3) delete q.sex;
  if (r() < 0.3) delete q.citizenship;
  if (r() < 0.5 && !cls.startsWith('document')) delete q.documents;
  for (const part of cls.split('+')) {
    const next = apply(q, p, part, r);
    if (next === undefined) return undefined;
    q = next;
  }
  if (q.patronymic === undefined) delete q.patronymic;
  return q;
}

function apply(q: PersonRecord, p: Identity, part: string, r: () => number): PersonRecord | undefined {
  const which = r() < 0.5 ? 'surname' : 'givenNames';
  switch (part) {
    case 'transliteration':
      return { ...q, surname: otherScript(q.surname, p.nationality, r), givenNames: otherScript(q.givenNames, p.nationality, r), patronymic: q.patronymic && otherScript(q.patronymic, p.nationality, r) };
    case 'spelling': {
      const latin = POOLS[p.nationality].script === 'latin' ? q : apply(q, p, 'transliteration', r)!;
      return { ...latin, [which]: spelling(latin[which], r) };
    }
    case 'suffix': {
      const s = stripSuffix(q.surname, p);
      return s === q.surname ? undefined : { ...q, surname: s };
    }
    case 'patronymic': {
      if (!p.patronymic) return undefined;
      if (r() < 0.4) return { ...q, patronymic: undefined };
      const other = patronymicOf(p.father, p.sex!, p.nationality, () => (/(ұлы|қызы|уулу|кызы)$/u.test(p.patronymic!) ? 0.99 : 0));
      return other === p.patronymic ? { ...q, patronymic: undefined } : { ...q, patronymic: other };
    }
    case 'swapped':
      return { ...q, surname: q.givenNames, givenNames: q.surname };
    case 'typo-1':
      return { ...q, [which]: typo(q[which], r) };
    case 'typo-2': {
      // Two errors in one record: in a long name both may fall in it, otherwise one in each name.
      const first = typo(q[which], r);
      const q1 = { ...q, [which]: first };
      const second = [...q[which]].length >= 8 && r() < 0.5 ? which : which === 'surname' ? 'givenNames' : 'surname';
      return { ...q1, [second]: typo(q1[second], r) };
    }
    case 'dob-swapped': {
      const d = q.dateOfBirth && dobSwapped(q.dateOfBirth);
      return d ? { ...q, dateOfBirth: d } : undefined;
    }
    case 'dob-within-year':
      return q.dateOfBirth ? { ...q, dateOfBirth: dobWithinYear(q.dateOfBirth, r) } : undefined;
    case 'document-misread':
      if (!p.documents) return undefined;
      return { ...apply(q, p, 'transliteration', r)!, documents: [{ ...p.documents[0], number: misread(p.documents[0].number, r) }] };
    case 'document-new-surname': {
      if (!p.documents) return undefined;
      // The January 2026 case: a new surname, the old passport still on record.
      const pool = POOLS[p.nationality];
      let s = pick(r, pool.surnames);
      if (s === p.surname) s = pick(r, pool.surnames);
      return { ...q, surname: s, documents: [{ ...p.documents[0] }] };
    }
  }
  throw new Error(`unknown variant part ${part}`);
}

/** A hard negative: another person with the identity's surname, nationality, sex and year of birth. */
export function hardNegative(p: Identity, r: () => number, id: string): PersonRecord {
  const other = identity(r, id, { nationality: p.nationality, surname: p.surname, year: Number(p.dateOfBirth!.slice(0, 4)), sex: p.sex! });
  if (other.givenNames === p.givenNames) other.givenNames = pick(r, POOLS[p.nationality][p.sex === 'M' ? 'male' : 'female'].filter((g) => g !== p.givenNames));
  const { nationality: _n, father: _f, ...record } = other;
  return record;
}

/** The record as indexed: the identity without its generator fields. */
export function asRecord(p: Identity): PersonRecord {
  const { nationality: _n, father: _f, ...record } = p;
  return record;
}

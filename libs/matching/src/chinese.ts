/**
 * Chinese names: Cyrillic (Palladius system, as Russian and Kazakh offices write them) to Hanyu
 * Pinyin, syllable by syllable, so that Чжан Вэй and Zhang Wei meet. Only a Cyrillic word that
 * splits entirely into these syllables is read as Chinese; the list covers the syllables common in
 * Chinese surnames and given names.
 */
const PALLADIUS: Record<string, string> = {
  ЧЖАН: 'ZHANG', ЧЖАО: 'ZHAO', ЧЖОУ: 'ZHOU', ЧЖЭН: 'ZHENG', ЧЖУН: 'ZHONG', ЧЖУ: 'ZHU', ЧЖИ: 'ZHI', ЧЖЭНЬ: 'ZHEN',
  ВАН: 'WANG', ВЭЙ: 'WEI', ВЭНЬ: 'WEN', ВЭН: 'WENG', У: 'WU', ЛИ: 'LI', ЛЮ: 'LIU', ЛИН: 'LING', ЛИНЬ: 'LIN',
  ЛУ: 'LU', ЛЯН: 'LIANG', ЛЭЙ: 'LEI', ЧЭНЬ: 'CHEN', ЧЭН: 'CHENG', ЧУН: 'CHONG', ЧАН: 'CHANG', ЧАО: 'CHAO', ЧУ: 'CHU',
  ЯН: 'YANG', ЯНЬ: 'YAN', Я: 'YA', Е: 'YE', И: 'YI', ИН: 'YING', ИНЬ: 'YIN', Ю: 'YU', ЮЙ: 'YU', ЮЭ: 'YUE', ЮНЬ: 'YUN', ЮН: 'YONG', ЮАНЬ: 'YUAN',
  ХУАН: 'HUANG', ХУ: 'HU', ХУЭЙ: 'HUI', ХАЙ: 'HAI', ХАО: 'HAO', ХЭ: 'HE', ХУН: 'HONG', ХАНЬ: 'HAN', ХУА: 'HUA',
  СЮЙ: 'XU', СЯО: 'XIAO', СИНЬ: 'XIN', СИН: 'XING', СЯ: 'XIA', СЮЭ: 'XUE', СЯН: 'XIANG', СЮ: 'XIU', СИ: 'XI', СЯНЬ: 'XIAN',
  СУНЬ: 'SUN', СУН: 'SONG', СУ: 'SU', ШИ: 'SHI', ШЭНЬ: 'SHEN', ШАН: 'SHANG', ШУ: 'SHU',
  ГУЙ: 'GUI', ГО: 'GUO', ГАО: 'GAO', ГУН: 'GONG', ГУАН: 'GUANG', ГАН: 'GANG', ГУ: 'GU',
  ЦЗЯН: 'JIANG', ЦЗИНЬ: 'JIN', ЦЗИН: 'JING', ЦЗЮНЬ: 'JUN', ЦЗЯ: 'JIA', ЦЗЕ: 'JIE', ЦЗЯНЬ: 'JIAN', ЦЗИ: 'JI',
  ЦИН: 'QING', ЦЯН: 'QIANG', ЦЮ: 'QIU', ЦИ: 'QI', ЦЮАНЬ: 'QUAN', ЦАО: 'CAO', ЦУЙ: 'CUI', ЦАЙ: 'CAI',
  МА: 'MA', МИН: 'MING', МЭЙ: 'MEI', МЯО: 'MIAO', ЛАНЬ: 'LAN', ЛУН: 'LONG', ЛО: 'LUO', ЛАО: 'LAO',
  ДЭН: 'DENG', ДУН: 'DONG', ДУ: 'DU', ДИН: 'DING', ДА: 'DA', ТАН: 'TANG', ТЯНЬ: 'TIAN', ТАО: 'TAO', ТИН: 'TING',
  ПЭН: 'PENG', ПИН: 'PING', ФАН: 'FANG', ФЭН: 'FENG', ФЭЙ: 'FEI', ФУ: 'FU', ЖУН: 'RONG', ЖУ: 'RU', ЖАНЬ: 'RAN',
  ЦЗЯО: 'JIAO', НИН: 'NING', НА: 'NA', НАНЬ: 'NAN', БО: 'BO', БИН: 'BING', БИНЬ: 'BIN', БАО: 'BAO', КАЙ: 'KAI', КУН: 'KUN',
  ЦЗЮЙ: 'JU', АНЬ: 'AN', ЭНЬ: 'EN', ЧУНЬ: 'CHUN', ЧЖИН: 'ZHEN', ЦЗЫ: 'ZI', ЦЗЭ: 'ZE', СЮАНЬ: 'XUAN', ЧЖАНЬ: 'ZHAN',
};
const MAX = Math.max(...Object.keys(PALLADIUS).map((k) => k.length));

/** Pinyin of an upper-case Cyrillic word, or undefined when it is not made of Palladius syllables. */
export function palladiusToPinyin(word: string): string | undefined {
  // Longest match first, with backtracking (ЧЖАНЬ vs ЧЖАН + Ь...).
  const memo = new Map<number, string | null>();
  const go = (i: number): string | null => {
    if (i === word.length) return '';
    if (memo.has(i)) return memo.get(i)!;
    let found: string | null = null;
    for (let len = Math.min(MAX, word.length - i); len >= 1 && found === null; len--) {
      const syl = PALLADIUS[word.slice(i, i + len)];
      if (syl === undefined) continue;
      const rest = go(i + len);
      if (rest !== null) found = syl + rest;
    }
    memo.set(i, found);
    return found;
  };
  // Single-letter syllables (У, Е, И, Я, Ю) alone would make too many Russian words "Chinese".
  if (word.length < 2) return undefined;
  return go(0) ?? undefined;
}

const TO_PALLADIUS = new Map<string, string>();
for (const [cyr, pin] of Object.entries(PALLADIUS)) if (!TO_PALLADIUS.has(pin) && cyr.length > 1) TO_PALLADIUS.set(pin, cyr);
TO_PALLADIUS.set('WU', 'У');

/** Palladius Cyrillic of Pinyin syllables (upper case); undefined for a syllable not in the table. */
export function pinyinToPalladius(syllables: readonly string[]): string | undefined {
  let out = '';
  for (const s of syllables) {
    const c = TO_PALLADIUS.get(s.toUpperCase());
    if (c === undefined) return undefined;
    out += c;
  }
  return out;
}

const INSERTABLE = [...'ИАЭУОЬНЯЮЙЗЖ'];
/** Letter groups of Palladius that Russian, Kazakh and Central Asian names hardly have (Иван is not Ван with a typo). */
const PALLADIUS_MARKS = /ЦЗ|ЧЖ|Э|ЮЙ|СЯ|СЮ|ЦЯ|ЦЮ|ЦИ|ЦУ|ЯО|ОУ|НЬ|ЙЛ/;

/**
 * The Pinyin readings (up to four) of a Cyrillic word one typing error away from Palladius
 * syllables (a letter dropped, added or changed); empty when there is none. Typos in Chinese names
 * written in Cyrillic are otherwise read letter by letter and lose the Pinyin side.
 */
export function palladiusToPinyinWithTypo(word: string): string[] {
  const out = new Set<string>();
  if (word.length < 3 || word.length > 16 || !PALLADIUS_MARKS.test(word)) return [];
  const letters = [...word];
  const tryWord = (w: string) => {
    const a = palladiusToPinyin(w);
    if (a !== undefined) out.add(a);
  };
  for (let i = 0; i < letters.length && out.size < 4; i++) tryWord(letters.slice(0, i).concat(letters.slice(i + 1)).join(''));
  for (let i = 0; i <= letters.length && out.size < 4; i++) {
    for (const c of INSERTABLE) {
      tryWord(letters.slice(0, i).join('') + c + letters.slice(i).join(''));
      if (i < letters.length) tryWord(letters.slice(0, i).join('') + c + letters.slice(i + 1).join(''));
    }
  }
  return [...out].slice(0, 4);
}

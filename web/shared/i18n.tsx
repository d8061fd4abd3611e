/** Russian by default, English switchable; the choice is kept in localStorage. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { DICTIONARY } from './dictionary';

export type Lang = 'ru' | 'en';
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** Label of a proto enum value ("SEX_MALE" → "мужской"); the raw name if unknown. */
  e(value: string | undefined | null): string;
  /** Label of a field by its JSON name ("dateOfBirth" → "Дата рождения"). */
  f(name: string): string;
  has(key: string): boolean;
}

const Ctx = createContext<I18n | null>(null);
const STORAGE = 'shekara.lang';

export function translate(lang: Lang, key: string, vars?: Record<string, string | number>): string {
  const entry = DICTIONARY[key];
  let s = entry ? entry[lang === 'ru' ? 0 : 1] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORAGE) === 'en' ? 'en' : 'ru'));
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE, l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const t: Translate = (key, vars) => translate(lang, key, vars);
    return {
      lang,
      setLang,
      t,
      e: (v) => (v ? (DICTIONARY[`enum.${v}`] ? t(`enum.${v}`) : v) : ''),
      f: (name) => (DICTIONARY[`f.${name}`] ? t(`f.${name}`) : name),
      has: (key) => key in DICTIONARY,
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

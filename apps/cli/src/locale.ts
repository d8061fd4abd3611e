/** The language of the messages from the locale variables (ru_RU.UTF-8 -> ru; anything else -> en). */
export function languageFromLocale(env: Readonly<Record<string, string | undefined>>): 'en' | 'ru' {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^ru([_.-]|$)/i.test(locale) ? 'ru' : 'en';
}

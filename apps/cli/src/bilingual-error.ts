/**
 * An error said to a person at a terminal, in English (its message) and Russian: each command
 * prints `render(lang)` in the language asked for (`--lang`, else the terminal's LANG/LC_ALL).
 */
export class BilingualError extends Error {
  constructor(
    readonly en: string,
    readonly ru: string,
  ) {
    super(en);
  }

  render(lang: 'en' | 'ru'): string {
    return lang === 'ru' ? this.ru : this.en;
  }
}

/** Messages of `shekara match` in Russian and English; the language comes from LC_ALL/LC_MESSAGES/LANG. */
import type { Language } from '@shekara/matching';

export enum MatchCliError {
  UnknownOption = 'UNKNOWN_OPTION',
  UnexpectedArgument = 'UNEXPECTED_ARGUMENT',
  Twice = 'TWICE',
  NeedsValue = 'NEEDS_VALUE',
  Required = 'REQUIRED',
  BadTop = 'BAD_TOP',
  CannotRead = 'CANNOT_READ',
  IndexLine = 'INDEX_LINE',
  QueryLine = 'QUERY_LINE',
  SeeHelp = 'SEE_HELP',
}

export const MATCH_CLI_MESSAGES: Record<MatchCliError, Record<Language, (a: string, b?: string) => string>> = {
  [MatchCliError.UnknownOption]: { en: (a) => `unknown option ${a}`, ru: (a) => `неизвестный параметр ${a}` },
  [MatchCliError.UnexpectedArgument]: { en: (a) => `unexpected argument ${a}`, ru: (a) => `лишний аргумент ${a}` },
  [MatchCliError.Twice]: { en: (a) => `--${a} given twice`, ru: (a) => `--${a} указан дважды` },
  [MatchCliError.NeedsValue]: { en: (a) => `--${a} needs a value`, ru: (a) => `--${a} требует значения` },
  [MatchCliError.Required]: { en: (a) => `--${a} is required`, ru: (a) => `--${a} обязателен` },
  [MatchCliError.BadTop]: { en: (a) => `--top must be a whole number from 1 to 1000: ${a}`, ru: (a) => `--top должен быть целым числом от 1 до 1000: ${a}` },
  [MatchCliError.CannotRead]: { en: (a, b) => `cannot read ${a}: ${b}`, ru: (a, b) => `не удалось прочитать ${a}: ${b}` },
  [MatchCliError.IndexLine]: { en: (a, b) => `index line ${a}: ${b}`, ru: (a, b) => `индекс, строка ${a}: ${b}` },
  [MatchCliError.QueryLine]: { en: (a, b) => `query line ${a}: ${b}`, ru: (a, b) => `запросы, строка ${a}: ${b}` },
  [MatchCliError.SeeHelp]: { en: () => 'Run "shekara match --help" for usage.', ru: () => 'Справка: "shekara match --help".' },
};

export function message(language: Language, code: MatchCliError, a = '', b?: string): string {
  return MATCH_CLI_MESSAGES[code][language](a, b);
}

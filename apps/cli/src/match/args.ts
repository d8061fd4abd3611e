import { MatchCliError } from './messages';

export const MATCH_USAGE = `Usage: shekara match --index PERSONS.jsonl --query QUERIES.jsonl [--top N]

Finds, for every query, the persons of the index who may be the same person, across scripts
(Cyrillic, Kazakh, Latin), transliteration schemes, suffixes, swapped names, typing errors, dates
of birth and document numbers.

  --index   persons, one JSON object a line: {"id","surname","givenNames","patronymic"?,
            "dateOfBirth"? (YYYY-MM-DD),"citizenship"? (ISO alpha-3),"sex"? ("M"|"F"),
            "documents"?:[{"number","issuingState"?,"type"?}]}
  --query   persons to look for, in the same form
  --top     candidates per query, best first (default 10)
  -h, --help  this text

Prints one line per query: {"query": id, "candidates": [{"id","score","match","explanation"}]}.
"match" is true at or above the alert threshold. Messages in Russian when LANG is ru_*.

Exit codes: 0 matched; 2 matched, but some lines were rejected (reported on stderr with their
number); 1 a file could not be read; 64 usage error.`;

export interface MatchOptions {
  index: string;
  query: string;
  top: number;
}

export class MatchUsageError extends Error {
  constructor(
    readonly code: MatchCliError,
    readonly detail = '',
  ) {
    super(`${code} ${detail}`);
  }
}

const VALUE_OPTIONS = ['index', 'query', 'top'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

export function parseMatchArgs(argv: readonly string[]): { help: true } | { help: false; options: MatchOptions } {
  const values = new Map<ValueOption, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    if (!arg.startsWith('--')) throw new MatchUsageError(MatchCliError.UnexpectedArgument, JSON.stringify(arg));
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) as ValueOption;
    if (!VALUE_OPTIONS.includes(name)) throw new MatchUsageError(MatchCliError.UnknownOption, eq === -1 ? arg : arg.slice(0, eq));
    if (values.has(name)) throw new MatchUsageError(MatchCliError.Twice, name);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new MatchUsageError(MatchCliError.NeedsValue, name);
    values.set(name, value);
  }
  for (const required of ['index', 'query'] as const) if (!values.has(required)) throw new MatchUsageError(MatchCliError.Required, required);
  const topText = values.get('top') ?? '10';
  if (!/^\d{1,4}$/.test(topText) || Number(topText) < 1 || Number(topText) > 1000) throw new MatchUsageError(MatchCliError.BadTop, topText);
  return { help: false, options: { index: values.get('index')!, query: values.get('query')!, top: Number(topText) } };
}

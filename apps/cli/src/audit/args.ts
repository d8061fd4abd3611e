import { isLocalDate, parseIsoInstant } from '@shekara/policy';
import { BilingualError } from '../bilingual-error';

export const AUDIT_USAGE = `Usage: shekara audit --directory DIR.json --journal JOURNAL.jsonl --from YYYY-MM-DD --to YYYY-MM-DD
                     [--as-of ISO-INSTANT] [--format jsonl|csv]

Audits an exchange journal against the schedule of the joint instruction (2002) and prints one
verdict per obligation, sorted by obligation, from, to, period/ref.

  --directory  units and interaction groups:
               {"units":[{"id","agency","level","zone"}],"groups":[{"id","level","members":[...]}]}
  --journal    one message per line: {"id","kind","from","to":[...],"sent_at"} plus reported_at
               (URGENT), confirms (URGENT_CONFIRMATION), period (DAILY optional; MONTHLY, SEMIANNUAL
               required), event_at (ADVANCE; HANDOVER_PROPOSAL: the handover instant), items
               (HANDOVER_PROPOSAL: kinds of its items: person, goods, vehicle, document, weapon),
               confirms (HANDOVER_ACCEPTANCE, _DISPUTE, _WITHDRAWAL: the act's id); instants are
               ISO 8601 with an offset
  --from, --to local dates (inclusive) selecting days, months and half-years that overlap them,
               urgent reports by local reported date, advance notices by local sent date, handover
               acts by local handover date
  --as-of      the instant of the audit (default: now); decides MISSING/UNCONFIRMED vs PENDING
  --format     jsonl (default) or csv (with a header row)
  -h, --help   this text

Exit codes: 0 audited; 2 audited, but some journal lines were rejected (reported on stderr as
"line N: reason"); 1 the directory or a file could not be used; 64 usage error.`;

export interface AuditOptions {
  directory: string;
  journal: string;
  from: string;
  to: string;
  /** Absent: the caller supplies "now". */
  asOf?: Date;
  format: 'jsonl' | 'csv';
}

export type ParsedArgs = { help: true } | { help: false; options: AuditOptions };

/** A usage error of `audit` or `verify`, in English (its message) and Russian. */
export class UsageError extends BilingualError {
  override readonly name = 'UsageError';
}

const VALUE_OPTIONS = ['directory', 'journal', 'from', 'to', 'as-of', 'format'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Parses `audit` arguments (`--name value` or `--name=value`); throws UsageError on anything wrong. */
export function parseAuditArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<ValueOption, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`, `лишний аргумент ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) as ValueOption;
    if (!VALUE_OPTIONS.includes(name)) throw new UsageError(`unknown option ${eq === -1 ? arg : arg.slice(0, eq)}`, `неизвестный параметр ${eq === -1 ? arg : arg.slice(0, eq)}`);
    if (values.has(name)) throw new UsageError(`--${name} given twice`, `параметр --${name} указан дважды`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`, `у параметра --${name} нет значения`);
    values.set(name, value);
  }
  for (const required of ['directory', 'journal', 'from', 'to'] as const) {
    if (!values.has(required)) throw new UsageError(`--${required} is required`, `нужен параметр --${required}`);
  }
  const from = values.get('from') as string;
  const to = values.get('to') as string;
  if (!isLocalDate(from)) throw new UsageError(`--from must be a date YYYY-MM-DD: ${from}`, `--from: нужна дата ГГГГ-ММ-ДД, а не ${from}`);
  if (!isLocalDate(to)) throw new UsageError(`--to must be a date YYYY-MM-DD: ${to}`, `--to: нужна дата ГГГГ-ММ-ДД, а не ${to}`);
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`, `--from ${from} позже --to ${to}`);
  let asOf: Date | undefined;
  if (values.has('as-of')) {
    asOf = parseIsoInstant(values.get('as-of'));
    if (!asOf) throw new UsageError(
        `--as-of must be an ISO 8601 instant with an offset, e.g. 2024-03-06T00:00:00+05:00: ${values.get('as-of')}`,
        `--as-of: нужен момент ISO 8601 со смещением, например 2024-03-06T00:00:00+05:00, а не ${values.get('as-of')}`,
      );
  }
  const format = values.get('format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv: ${format}`, `--format: jsonl или csv, а не ${format}`);
  return {
    help: false,
    options: { directory: values.get('directory') as string, journal: values.get('journal') as string, from, to, asOf, format },
  };
}

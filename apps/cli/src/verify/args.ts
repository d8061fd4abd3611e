import { UsageError } from '../audit/args';
import type { Lang } from './findings';

export const VERIFY_USAGE = `Usage: shekara verify --export DIR [--log-key VKEY] [--witness-key VKEY ...] [--quorum N] [--lang ru|en]
       shekara verify --proof FILE.tlog-proof --entry FILE --log-key VKEY [--witness-key VKEY ...] [--quorum N] [--lang ru|en]

Verifies a node's transparency-log export offline (docs/transparency-log.md): checkpoint signatures
and the witness quorum, the leaves against every checkpoint (inclusion of every exported message and
receipt, consistency between all checkpoints), forks, and that the stored message and recipient rows
match the signed bytes in the log. With --proof, verifies one c2sp.org/tlog-proof bundle for the
entry (the exact signed bytes) instead.

  --export       the export directory (manifest.json, leaves.jsonl, checkpoints.jsonl, messages.jsonl,
                 receipts.jsonl)
  --log-key      the log's Ed25519 verifier key (name+id+base64), pinned instead of the manifest's
  --witness-key  a witness's cosignature/v1 verifier key (repeat for each), pinned instead of the
                 manifest's
  --quorum       distinct witnesses that must cosign (default: the manifest's, or all pinned ones)
  --lang         language of the summary on stderr (default en); stdout has both
  -h, --help     this text

Output: one JSON object per finding on stdout ({"code","file","line","row","field","detail",
"message_en","message_ru"}), a summary on stderr.
Exit codes: 0 verified, no findings; 1 findings; 2 the input cannot be verified (missing or malformed
files, bad keys); 64 usage error.`;

export interface VerifyOptions {
  exportDir?: string;
  proof?: string;
  entry?: string;
  logKey?: string;
  witnesses?: string[];
  quorum?: number;
  lang: Lang;
}

export type ParsedVerifyArgs = { help: true } | { help: false; options: VerifyOptions };

const SINGLE = ['export', 'proof', 'entry', 'log-key', 'quorum', 'lang'] as const;

/** Parses `verify` arguments (`--name value` or `--name=value`); throws UsageError on anything wrong. */
export function parseVerifyArgs(argv: readonly string[]): ParsedVerifyArgs {
  const values = new Map<string, string>();
  const witnesses: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`, `лишний аргумент ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (name !== 'witness-key' && !(SINGLE as readonly string[]).includes(name)) throw new UsageError(`unknown option --${name}`, `неизвестный параметр --${name}`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`, `у параметра --${name} нет значения`);
    if (name === 'witness-key') witnesses.push(value);
    else if (values.has(name)) throw new UsageError(`--${name} given twice`, `параметр --${name} указан дважды`);
    else values.set(name, value);
  }
  const lang = values.get('lang') ?? 'en';
  if (lang !== 'ru' && lang !== 'en') throw new UsageError(`--lang must be ru or en: ${lang}`, `--lang: ru или en, а не ${lang}`);
  let quorum: number | undefined;
  if (values.has('quorum')) {
    quorum = Number(values.get('quorum'));
    if (!/^\d+$/.test(values.get('quorum')!)) throw new UsageError(`--quorum must be a non-negative integer: ${values.get('quorum')}`, `--quorum: нужно целое неотрицательное число, а не ${values.get('quorum')}`);
  }
  const options: VerifyOptions = {
    exportDir: values.get('export'),
    proof: values.get('proof'),
    entry: values.get('entry'),
    logKey: values.get('log-key'),
    witnesses: witnesses.length ? witnesses : undefined,
    quorum,
    lang,
  };
  if (options.exportDir && options.proof) throw new UsageError('give either --export or --proof, not both', 'укажите либо --export, либо --proof, но не оба');
  if (!options.exportDir && !options.proof) throw new UsageError('--export or --proof is required', 'нужен параметр --export или --proof');
  if (options.proof && (!options.entry || !options.logKey)) throw new UsageError('--proof needs --entry and --log-key', 'для --proof нужны --entry и --log-key');
  if (options.exportDir && options.entry) throw new UsageError('--entry goes with --proof', '--entry указывается вместе с --proof');
  return { help: false, options };
}

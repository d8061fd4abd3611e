/**
 * `shekara directory sign|add-key|retire-key|revoke-key`: the operator's commands on the signed
 * directory. Each reads the current document (verified with the authority's key), makes its change,
 * and writes the next version signed by the authority, atomically. The work is @shekara/directory's.
 */
import type { Writable } from 'node:stream';
import {
  Directory,
  DirectoryError,
  KEYS_FORMAT,
  addKey,
  loadAuthorityKey,
  loadSignedDirectory,
  newUnitKey,
  parseAgencyKeys,
  readAgencyKeysFile,
  readJsonFile,
  retireKey,
  revokeKey,
  signDirectory,
  writeJsonAtomically,
  type AgencyPrivateKey,
  type DirectoryData,
} from '@shekara/directory';

export const DIRECTORY_USAGE = `Usage: shekara directory <command> --directory var/public/directory.json --authority var/authority/directory-authority.json [options] [--lang en|ru]

  sign        signs a directory as the next version: --in FILE (a directory JSON, e.g. edited units),
              or without --in the current one again (a new version, nothing else changed)
  add-key     adds a key to a unit: --unit ID and either --public-key BASE64 (the raw 32-byte Ed25519
              key the agency made) or --keys var/keys/<agency>/keys.json (a new key pair is made, its
              private half appended to that agency's key file); --not-before ISO (default: now)
  retire-key  --key KEY_ID [--not-after ISO (default: now)]: messages created before that instant
              still verify with the key, later ones are dead-lettered (expired key); the unit must
              have another key valid then (add-key first)
  revoke-key  --key KEY_ID --reason TEXT [--at ISO (default: now)]: the key verifies nothing any
              more; messages signed with it are dead-lettered (revoked key)

Nodes load a newer version without a restart. Exit codes: 0 done; 1 refused (the reason is
printed, nothing is written); 64 usage error.`;

export interface DirectoryIo {
  stdout: Writable;
  stderr: Writable;
  now: () => Date;
}

type Lang = 'en' | 'ru';
type Usage = 'unknownCommand' | 'unexpected' | 'unknownOption' | 'twice' | 'needsValue' | 'required' | 'notOption' | 'oneOf' | 'badInstant' | 'lang';
const USAGE_MESSAGES: Record<Usage, Record<Lang, (x: string) => string>> = {
  unknownCommand: { en: (x) => `unknown directory command ${x}`, ru: (x) => `неизвестная команда directory ${x}` },
  unexpected: { en: (x) => `unexpected argument ${x}`, ru: (x) => `лишний аргумент ${x}` },
  unknownOption: { en: (x) => `unknown option --${x}`, ru: (x) => `неизвестный параметр --${x}` },
  twice: { en: (x) => `--${x} given twice`, ru: (x) => `--${x} указан дважды` },
  needsValue: { en: (x) => `--${x} needs a value`, ru: (x) => `для --${x} нужно значение` },
  required: { en: (x) => `--${x} is required`, ru: (x) => `--${x} обязателен` },
  notOption: { en: (x) => `--${x} is not an option of this command`, ru: (x) => `--${x} не является параметром этой команды` },
  oneOf: { en: (x) => `give exactly one of ${x}`, ru: (x) => `укажите ровно один из ${x}` },
  badInstant: { en: (x) => `--${x}: expected an ISO 8601 instant with a zone, e.g. 2026-07-01T00:00:00Z`, ru: (x) => `--${x}: ожидается момент ISO 8601 с зоной, например 2026-07-01T00:00:00Z` },
  lang: { en: () => '--lang must be en or ru', ru: () => '--lang: допустимы en или ru' },
};

export class DirectoryUsageError extends Error {
  override readonly name = 'DirectoryUsageError';
  constructor(
    readonly usage: Usage,
    readonly subject = '',
  ) {
    super(USAGE_MESSAGES[usage].en(subject));
  }
  render(lang: Lang): string {
    return USAGE_MESSAGES[this.usage][lang](this.subject);
  }
}

const SUBS = ['sign', 'add-key', 'retire-key', 'revoke-key'] as const;
type Sub = (typeof SUBS)[number];
const OPTIONS: Record<Sub, readonly string[]> = {
  sign: ['in'],
  'add-key': ['unit', 'public-key', 'keys', 'not-before'],
  'retire-key': ['key', 'not-after'],
  'revoke-key': ['key', 'reason', 'at'],
};
const COMMON = ['directory', 'authority', 'lang'];

export interface DirectoryArgs {
  sub: Sub | 'help';
  values: Map<string, string>;
  lang: Lang;
}

/** The language asked for, as far as it can be told from a command line that may not parse. */
export function langOf(argv: readonly string[]): Lang {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const v = i === -1 ? undefined : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  return v === 'ru' ? 'ru' : 'en';
}

export function parseDirectoryArgs(argv: readonly string[]): DirectoryArgs {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') return { sub: 'help', values: new Map(), lang: langOf(argv) };
  if (!(SUBS as readonly string[]).includes(sub)) throw new DirectoryUsageError('unknownCommand', JSON.stringify(sub));
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') return { sub: 'help', values, lang: langOf(argv) };
    if (!arg.startsWith('--')) throw new DirectoryUsageError('unexpected', JSON.stringify(arg));
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (![...COMMON, ...Object.values(OPTIONS).flat()].includes(name)) throw new DirectoryUsageError('unknownOption', name);
    if (!COMMON.includes(name) && !OPTIONS[sub as Sub].includes(name)) throw new DirectoryUsageError('notOption', name);
    if (values.has(name)) throw new DirectoryUsageError('twice', name);
    const value = eq !== -1 ? arg.slice(eq + 1) : i + 1 < rest.length && !rest[i + 1].startsWith('--') ? rest[++i] : undefined;
    if (!value) throw new DirectoryUsageError('needsValue', name);
    values.set(name, value);
  }
  const lang = values.get('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'ru') throw new DirectoryUsageError('lang');
  const required = ['directory', 'authority', ...({ sign: [], 'add-key': ['unit'], 'retire-key': ['key'], 'revoke-key': ['key', 'reason'] } as Record<Sub, string[]>)[sub as Sub]];
  for (const n of required) if (!values.has(n)) throw new DirectoryUsageError('required', n);
  if (sub === 'add-key' && values.has('public-key') === values.has('keys')) throw new DirectoryUsageError('oneOf', '--public-key, --keys');
  for (const n of ['not-before', 'not-after', 'at']) if (values.has(n)) instant(values.get(n)!, n);
  return { sub: sub as Sub, values, lang };
}

function instant(text: string, name: string): Date {
  // A zone is required: a bare local time would be read in the operator's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new DirectoryUsageError('badInstant', name);
  }
  return new Date(text);
}

export function runDirectory(args: DirectoryArgs & { sub: Sub }, io: DirectoryIo): number {
  const v = (name: string) => args.values.get(name);
  const at = (name: string) => (v(name) ? instant(v(name)!, name) : io.now());
  try {
    const path = v('directory')!;
    const authority = loadAuthorityKey(v('authority')!);
    const current = loadSignedDirectory(path, authority.publicKey);
    let data: DirectoryData = current.directory.toJSON();
    let note = '';
    let keysFile: { path: string; content: unknown } | undefined;
    if (args.sub === 'sign') {
      if (v('in')) data = Directory.fromJSON(readJsonFile(v('in')!), v('in')).toJSON();
    } else if (args.sub === 'add-key') {
      const unitId = v('unit')!;
      const notBefore = at('not-before');
      let publicKey = v('public-key');
      if (v('keys')) {
        const agency = current.directory.unit(unitId).agency;
        const raw = readAgencyKeysFile(v('keys')!);
        parseAgencyKeys(raw, agency, current.directory, v('keys')); // the right agency's file, every key known
        const made = newUnitKey(unitId, notBefore);
        publicKey = made.entry.publicKey;
        const set = raw as { agency: string; keys: AgencyPrivateKey[] };
        keysFile = { path: v('keys')!, content: { format: KEYS_FORMAT, agency: set.agency, keys: [...set.keys, made.privateKey] } };
      }
      const added = addKey(data, unitId, publicKey!, notBefore);
      data = added.data;
      note = `added key ${added.keyId} to ${unitId}, valid from ${notBefore.toISOString()}`;
    } else if (args.sub === 'retire-key') {
      const notAfter = at('not-after');
      data = retireKey(data, v('key')!, notAfter);
      note = `retired key ${v('key')} from ${notAfter.toISOString()}`;
    } else {
      const revokedAt = at('at');
      data = revokeKey(data, v('key')!, revokedAt, v('reason')!);
      note = `revoked key ${v('key')} at ${revokedAt.toISOString()} (${v('reason')!.trim()})`;
    }
    const next = signDirectory(data, current.version + 1, io.now(), authority);
    // The private key first: a directory naming a key its node cannot find would stop that unit signing.
    if (keysFile) writeJsonAtomically(keysFile.path, keysFile.content, 0o600);
    writeJsonAtomically(path, next, 0o644);
    if (note) io.stdout.write(`${note}\n`);
    io.stdout.write(`${path}: version ${next.version} signed by ${authority.keyId} (was ${current.version})\n`);
    return 0;
  } catch (e) {
    if (e instanceof DirectoryUsageError) throw e;
    if (!(e instanceof DirectoryError)) throw e;
    io.stderr.write(`shekara directory ${args.sub}: ${e.render(args.lang)}\n`);
    return 1;
  }
}

/**
 * `shekara db provision`: creates an app's database and its two roles (the owner the migrations run
 * as, the restricted role the app connects as) with an administrator's URL the apps never see,
 * idempotently (docs/database-roles.md). The roles, passwords and database are read off the very
 * URLs the app is given (DATABASE_URL, DATABASE_MIGRATION_URL), so they cannot disagree.
 */
import type { Writable } from 'node:stream';
import { provisionDatabase, rolesFromUrls } from '@shekara/persistence';
import { BilingualError } from '../bilingual-error';

export const DB_USAGE = `Usage: shekara db provision --admin-url URL --database-url URL --migration-url URL [--lang en|ru]

  provision  as the administrator of --admin-url (a superuser, or a role with CREATEROLE and
             CREATEDB), creates or updates: the owner role of --migration-url and the app role of
             --database-url (login, no superuser, no CREATEDB/CREATEROLE/BYPASSRLS, passwords
             from the URLs), and their database, owned by the owner, which only the app role may
             connect to besides it. Objects of an older database owned by another role go to the
             owner. The app's privileges on its tables are granted by the owner when the app boots
             (after its migrations). Safe to run again, and concurrently.

Exit codes: 0 done; 1 the server refused (the reason is printed); 64 usage error.`;

export class DbUsageError extends BilingualError {
  override readonly name = 'DbUsageError';
}

export interface DbArgs {
  sub: 'provision' | 'help';
  adminUrl: string;
  databaseUrl: string;
  migrationUrl: string;
  lang: 'en' | 'ru';
}

const VALUES = { 'admin-url': 'adminUrl', 'database-url': 'databaseUrl', 'migration-url': 'migrationUrl', lang: 'lang' } as const;

/** The language asked for with --lang (usage errors are rendered in it before the rest is parsed). */
export function dbLang(argv: readonly string[]): 'en' | 'ru' {
  const i = argv.findIndex((a) => a === '--lang' || a.startsWith('--lang='));
  const v = i < 0 ? undefined : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  return v === 'ru' ? 'ru' : 'en';
}

export function parseDbArgs(argv: readonly string[]): DbArgs {
  const [sub, ...rest] = argv;
  const out: Record<string, string> = {};
  if (sub === undefined || sub === '-h' || sub === '--help') return { sub: 'help', adminUrl: '', databaseUrl: '', migrationUrl: '', lang: 'en' };
  if (sub !== 'provision') throw new DbUsageError(`unknown db command ${JSON.stringify(sub)}`, `неизвестная команда db ${JSON.stringify(sub)}`);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') return { sub: 'help', adminUrl: '', databaseUrl: '', migrationUrl: '', lang: 'en' };
    if (!arg.startsWith('--')) throw new DbUsageError(`unexpected argument ${JSON.stringify(arg)}`, `лишний аргумент ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!(name in VALUES)) throw new DbUsageError(`unknown option --${name}`, `неизвестный параметр --${name}`);
    const value = eq !== -1 ? arg.slice(eq + 1) : rest[++i];
    if (!value || value.startsWith('--')) throw new DbUsageError(`--${name} needs a value`, `у параметра --${name} нет значения`);
    if (out[name] !== undefined) throw new DbUsageError(`--${name} given twice`, `параметр --${name} указан дважды`);
    out[name] = value;
  }
  if (out.lang !== undefined && out.lang !== 'en' && out.lang !== 'ru') throw new DbUsageError('--lang must be en or ru', '--lang: en или ru');
  for (const n of ['admin-url', 'database-url', 'migration-url']) {
    if (!out[n]) throw new DbUsageError(`--${n} is required`, `нужен параметр --${n}`);
    if (!/^postgres(ql)?:\/\/.+\/[a-zA-Z_][a-zA-Z0-9_]*$/.test(out[n]) || !URL.canParse(out[n])) {
      throw new DbUsageError(`--${n} must be postgres://user[:password]@host:port/database`, `--${n}: нужен адрес вида postgres://user[:password]@host:port/database`);
    }
  }
  try {
    rolesFromUrls(out['database-url'], out['migration-url']);
  } catch (e) {
    const m = (e as Error).message;
    throw new DbUsageError(m, /two different roles/.test(m) ? 'DATABASE_URL и DATABASE_MIGRATION_URL должны подключаться под двумя разными ролями (приложение не владелец)' : `адреса не годятся: ${m}`);
  }
  return { sub: 'provision', adminUrl: out['admin-url'], databaseUrl: out['database-url'], migrationUrl: out['migration-url'], lang: (out.lang as 'en' | 'ru') ?? 'en' };
}

export async function runDb(args: DbArgs, io: { stdout: Writable; stderr: Writable }): Promise<number> {
  const roles = rolesFromUrls(args.databaseUrl, args.migrationUrl);
  try {
    await provisionDatabase(args.adminUrl, roles);
  } catch (e) {
    const why = (e as Error).message;
    io.stderr.write(args.lang === 'ru' ? `shekara db provision: сервер отказал: ${why}\n` : `shekara db provision: the server refused: ${why}\n`);
    return 1;
  }
  io.stdout.write(
    args.lang === 'ru'
      ? `база ${roles.database}: владелец ${roles.owner.name} (миграции), приложение ${roles.app.name}\n`
      : `database ${roles.database}: owner ${roles.owner.name} (migrations), app ${roles.app.name}\n`,
  );
  return 0;
}

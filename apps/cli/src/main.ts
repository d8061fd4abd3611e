/**
 * `shekara` command line. The edge of the process: the only place that reads the real clock and
 * the process's streams; everything below is given them.
 */
// Each command's modules are loaded when it runs (an auditor's `verify` does not load the bus, the
// node or the database drivers of the other commands): `import type` only up here.
import type { CliIo } from './audit/command';
import type { Language } from '@shekara/matching';
import { languageFromLocale } from './locale';

export const USAGE = `Usage: shekara <command> [options]

Commands:
  audit    audit an exchange journal against the schedule (shekara audit --help)
  verify   verify a node's transparency-log export or a proof bundle offline (shekara verify --help)
  match    find persons across agencies' records (shekara match --help)
  bus      provision the bus (keys, certificates, server configs) and check its isolation (shekara bus --help)
  directory  sign a new version of the directory, add, retire or revoke a unit's key (shekara directory --help)
  conformance  run the protocol's conformance cases against a running node (shekara conformance --help)
  clients  create, list, revoke a node's service accounts (machine clients), set their webhooks (shekara clients --help)
  db       create an app's database with its owner and restricted app roles (shekara db --help)`;

/** EX_USAGE from sysexits.h. */
export const EXIT_USAGE = 64;

export async function main(argv: readonly string[], io: CliIo & { language?: Language; untilStopped?: () => Promise<void> }): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === 'verify') return verify(rest, io);
  if (command === 'match') return match(rest, { ...io, language: io.language ?? 'en' });
  if (command === 'bus') {
    const { BUS_USAGE, BusUsageError, parseBusArgs, runBus } = await import('./bus/command.js');
    try {
      const parsed = parseBusArgs(rest);
      if (parsed.sub === 'help') {
        io.stdout.write(BUS_USAGE + '\n');
        return 0;
      }
      return await runBus(parsed, io);
    } catch (e) {
      if (!(e instanceof BusUsageError)) throw e;
      io.stderr.write(`shekara bus: ${e.message}\nRun "shekara bus --help" for usage.\n`);
      return EXIT_USAGE;
    }
  }
  if (command === 'conformance') {
    const { CONFORMANCE_USAGE, ConformanceUsageError, conformanceLang, parseConformanceArgs, runConformance } = await import('./conformance/command.js');
    try {
      const parsed = parseConformanceArgs(rest);
      if (parsed === 'help') {
        io.stdout.write(CONFORMANCE_USAGE + '\n');
        return 0;
      }
      return await runConformance(parsed, io);
    } catch (e) {
      if (!(e instanceof ConformanceUsageError)) throw e;
      const ru = conformanceLang(rest) === 'ru';
      io.stderr.write(`shekara conformance: ${e.render(ru ? 'ru' : 'en')}\n${ru ? 'Справка' : 'Run'}: "shekara conformance --help"\n`);
      return EXIT_USAGE;
    }
  }
  if (command === 'directory') {
    const { DIRECTORY_USAGE, DirectoryUsageError, langOf, parseDirectoryArgs, runDirectory } = await import('./directory/command.js');
    try {
      const parsed = parseDirectoryArgs(rest);
      if (parsed.sub === 'help') {
        io.stdout.write(DIRECTORY_USAGE + '\n');
        return 0;
      }
      return runDirectory({ ...parsed, sub: parsed.sub }, io);
    } catch (e) {
      if (!(e instanceof DirectoryUsageError)) throw e;
      const ru = langOf(rest) === 'ru';
      io.stderr.write(`shekara directory: ${e.render(langOf(rest))}\n${ru ? 'Справка' : 'Run'}: "shekara directory --help"\n`);
      return EXIT_USAGE;
    }
  }
  if (command === 'clients') {
    const { CLIENTS_USAGE, ClientsUsageError, parseClientsArgs, runClients } = await import('./clients/command.js');
    try {
      const parsed = parseClientsArgs(rest);
      if (parsed.sub === 'help') {
        io.stdout.write(CLIENTS_USAGE + '\n');
        return 0;
      }
      return await runClients({ ...parsed, sub: parsed.sub }, { ...io, language: io.language === 'ru' ? 'ru' : 'en' });
    } catch (e) {
      if (!(e instanceof ClientsUsageError)) throw e;
      const lang = io.language === 'ru' ? 'ru' : 'en';
      io.stderr.write(`shekara clients: ${e.render(lang)}\n${lang === 'ru' ? 'Справка: "shekara clients --help"' : 'Run "shekara clients --help" for usage.'}\n`);
      return EXIT_USAGE;
    }
  }
  if (command === 'db') {
    const { DB_USAGE, DbUsageError, dbLang, parseDbArgs, runDb } = await import('./db/command.js');
    try {
      const parsed = parseDbArgs(rest);
      if (parsed.sub === 'help') {
        io.stdout.write(DB_USAGE + '\n');
        return 0;
      }
      return await runDb(parsed, io);
    } catch (e) {
      if (!(e instanceof DbUsageError)) throw e;
      const lang = dbLang(rest);
      io.stderr.write(`shekara db: ${e.render(lang)}\n${lang === 'ru' ? 'Справка' : 'Run'}: "shekara db --help"\n`);
      return EXIT_USAGE;
    }
  }
  if (command !== 'audit') {
    const ru = io.language === 'ru';
    const problem = command === undefined ? (ru ? 'не указана команда' : 'no command given') : ru ? `неизвестная команда ${JSON.stringify(command)}` : `unknown command ${JSON.stringify(command)}`;
    io.stderr.write(`shekara: ${problem}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { AUDIT_USAGE, UsageError, parseAuditArgs } = await import('./audit/args.js');
  const { runAudit } = await import('./audit/command.js');
  try {
    const parsed = parseAuditArgs(rest);
    if (parsed.help) {
      io.stdout.write(AUDIT_USAGE + '\n');
      return 0;
    }
    return await runAudit(parsed.options, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // In the terminal's language (LANG / LC_ALL / LC_MESSAGES).
    const lang = io.language ?? 'en';
    io.stderr.write(`shekara audit: ${e.render(lang)}\n${lang === 'ru' ? 'Справка: "shekara audit --help"' : 'Run "shekara audit --help" for usage.'}\n`);
    return EXIT_USAGE;
  }
}

async function verify(argv: readonly string[], io: CliIo & { language?: Language }): Promise<number> {
  const { UsageError } = await import('./audit/args.js');
  const { VERIFY_USAGE, parseVerifyArgs } = await import('./verify/args.js');
  const { runVerify } = await import('./verify/command.js');
  const { langOf } = await import('./directory/command.js');
  try {
    const parsed = parseVerifyArgs(argv);
    if (parsed.help) {
      io.stdout.write(VERIFY_USAGE + '\n');
      return 0;
    }
    return await runVerify(parsed.options, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    // --lang when given, else the terminal's language.
    const lang = argv.some((a) => a === '--lang' || a.startsWith('--lang=')) ? langOf(argv) : (io.language ?? 'en');
    io.stderr.write(`shekara verify: ${e.render(lang)}\n${lang === 'ru' ? 'Справка: "shekara verify --help"' : 'Run "shekara verify --help" for usage.'}\n`);
    return EXIT_USAGE;
  }
}

async function match(argv: readonly string[], io: CliIo & { language: Language }): Promise<number> {
  const { MATCH_USAGE, MatchUsageError, parseMatchArgs } = await import('./match/args.js');
  const { runMatch } = await import('./match/command.js');
  const { MatchCliError, message } = await import('./match/messages.js');
  try {
    const parsed = parseMatchArgs(argv);
    if (parsed.help) {
      io.stdout.write(MATCH_USAGE + '\n');
      return 0;
    }
    return await runMatch(parsed.options, io);
  } catch (e) {
    if (!(e instanceof MatchUsageError)) throw e;
    io.stderr.write(`shekara match: ${message(io.language, e.code, e.detail)}\n${message(io.language, MatchCliError.SeeHelp)}\n`);
    return EXIT_USAGE;
  }
}

/** The real process: its streams, its clock and its locale. */
export function run(): void {
  // Only a long-running command (bus up) asks for this; the others keep the default signal handling.
  const untilStopped = () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, now: () => new Date(), language: languageFromLocale(process.env), untilStopped }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`shekara: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70; // EX_SOFTWARE
    },
  );
}

if (require.main === module) run();

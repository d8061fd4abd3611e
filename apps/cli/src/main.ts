/**
 * `shekara` command line. The edge of the process: the only place that reads the real clock and
 * the process's streams; everything below is given them.
 */
import { AUDIT_USAGE, UsageError, parseAuditArgs } from './audit/args';
import { runAudit, type CliIo } from './audit/command';
import { VERIFY_USAGE, parseVerifyArgs } from './verify/args';
import { runVerify } from './verify/command';
import { MATCH_USAGE, MatchUsageError, parseMatchArgs } from './match/args';
import { runMatch } from './match/command';
import { MatchCliError, languageFromLocale, message } from './match/messages';
import type { Language } from '@shekara/matching';

export const USAGE = `Usage: shekara <command> [options]

Commands:
  audit    audit an exchange journal against the schedule (shekara audit --help)
  verify   verify a node's transparency-log export or a proof bundle offline (shekara verify --help)
  match    find persons across agencies' records (shekara match --help)`;

/** EX_USAGE from sysexits.h. */
export const EXIT_USAGE = 64;

export async function main(argv: readonly string[], io: CliIo & { language?: Language }): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === 'verify') return verify(rest, io);
  if (command === 'match') return match(rest, { ...io, language: io.language ?? 'en' });
  if (command !== 'audit') {
    const problem = command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`;
    io.stderr.write(`shekara: ${problem}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  try {
    const parsed = parseAuditArgs(rest);
    if (parsed.help) {
      io.stdout.write(AUDIT_USAGE + '\n');
      return 0;
    }
    return await runAudit(parsed.options, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`shekara audit: ${e.message}\nRun "shekara audit --help" for usage.\n`);
    return EXIT_USAGE;
  }
}

async function verify(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseVerifyArgs(argv);
    if (parsed.help) {
      io.stdout.write(VERIFY_USAGE + '\n');
      return 0;
    }
    return await runVerify(parsed.options, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`shekara verify: ${e.message}\nRun "shekara verify --help" for usage.\n`);
    return EXIT_USAGE;
  }
}

async function match(argv: readonly string[], io: CliIo & { language: Language }): Promise<number> {
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
  const io = { stdout: process.stdout, stderr: process.stderr, now: () => new Date(), language: languageFromLocale(process.env) };
  main(process.argv.slice(2), io).then(
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

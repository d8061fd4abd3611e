import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { POLICIES, audit, policyForRange, type AuditMessage, type Verdict } from '@shekara/policy';
import type { AuditOptions } from './args';
import { parseDirectory, parseJournalLine } from './journal';
import { csvHeader, csvLine, jsonlLine } from './output';
import { Progress } from './progress';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  /** "Now", used when --as-of is not given. */
  now: () => Date;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_LINES = 2;

/** Runs one offline audit; returns the exit code. */
export async function runAudit(options: AuditOptions, io: CliIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`shekara audit: ${message}\n`);
    return EXIT_FAILURE;
  };

  let directoryText: string;
  try {
    directoryText = await readFile(options.directory, 'utf8');
  } catch (e) {
    return fail(`cannot read directory ${options.directory}: ${(e as Error).message}`);
  }
  const parsed = parseDirectory(directoryText);
  if (!parsed.ok) return fail(`invalid directory ${options.directory}:\n  ${parsed.errors.join('\n  ')}`);

  const range = { from: options.from, to: options.to };
  let policy;
  try {
    policy = policyForRange(POLICIES, range);
  } catch (e) {
    return fail((e as Error).message);
  }

  // The journal is streamed; only the converted messages and their line numbers are kept.
  const messages: AuditMessage[] = [];
  const lineOf: number[] = [];
  const problems: Array<{ line: number; reason: string }> = [];
  // On a terminal, progress on stderr (reading, judging, writing); nothing when piped.
  const progress = new Progress(io.stderr);
  try {
    const size = progress.enabled ? (await stat(options.journal)).size : 0;
    const input = createReadStream(options.journal, 'utf8');
    const lines = createInterface({ input, crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (progress.enabled && n % 1024 === 0) progress.reading(input.bytesRead, size, n);
      const line = n === 1 ? text.replace(/^\uFEFF/, '') : text;
      if (line.trim() === '') continue;
      const result = parseJournalLine(line);
      if (result.ok) {
        messages.push(result.message);
        lineOf.push(n);
      } else {
        problems.push({ line: n, reason: result.reason });
      }
    }
    if (progress.enabled) progress.reading(size, size, n, true);
  } catch (e) {
    progress.clear();
    return fail(`cannot read journal ${options.journal}: ${(e as Error).message}`);
  }

  if (progress.enabled) progress.judging(messages.length);
  const { verdicts, rejected } = audit({ policy, directory: parsed.directory, messages, range, asOf: options.asOf ?? io.now() });
  for (const issue of rejected) problems.push({ line: lineOf[issue.index], reason: issue.reason });
  problems.sort((a, b) => a.line - b.line);
  progress.clear();
  for (const p of problems) io.stderr.write(`line ${p.line}: ${p.reason}\n`);

  await writeVerdicts(io.stdout, verdicts, options.format, progress);
  progress.clear();
  return problems.length > 0 ? EXIT_BAD_LINES : EXIT_OK;
}

/** Writes in chunks of about 64 KiB, waiting for the stream to drain when it asks to. */
async function writeVerdicts(out: Writable, verdicts: Verdict[], format: 'jsonl' | 'csv', progress?: Progress): Promise<void> {
  const line = format === 'csv' ? csvLine : jsonlLine;
  let chunk = format === 'csv' ? csvHeader() : '';
  for (let i = 0; i < verdicts.length; i++) {
    chunk += line(verdicts[i]);
    if (chunk.length >= 65_536) {
      progress?.writing(i + 1, verdicts.length);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  if (chunk !== '' && !out.write(chunk)) await once(out, 'drain');
}

import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { MatchErrorCode, MatchInputError, MemoryPersonIndex, parsePersonLine, type Language, type PersonRecord } from '@shekara/matching';
import type { MatchOptions } from './args';
import { MatchCliError, message } from './messages';

export interface MatchIo {
  stdout: Writable;
  stderr: Writable;
  language: Language;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_LINES = 2;

/** Reads a JSONL file of persons; bad lines are reported through `bad` and skipped. */
async function readPersons(file: string, bad: (line: number, reason: MatchInputError) => void, seen?: Set<string>): Promise<PersonRecord[]> {
  const out: PersonRecord[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const text of lines) {
    n++;
    const line = n === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (line.trim() === '') continue;
    try {
      const p = parsePersonLine(line);
      if (seen) {
        if (seen.has(p.id)) throw new MatchInputError(MatchErrorCode.DuplicateId, JSON.stringify(p.id));
        seen.add(p.id);
      }
      out.push(p);
    } catch (e) {
      if (!(e instanceof MatchInputError)) throw e;
      bad(n, e);
    }
  }
  return out;
}

export async function runMatch(options: MatchOptions, io: MatchIo): Promise<number> {
  const say = (code: MatchCliError, a?: string, b?: string) => io.stderr.write(`${message(io.language, code, a, b)}\n`);
  let problems = 0;
  const index = new MemoryPersonIndex();
  let queries: PersonRecord[];
  try {
    index.add(await readPersons(options.index, (n, e) => (problems++, say(MatchCliError.IndexLine, String(n), e.text(io.language))), new Set()));
  } catch (e) {
    say(MatchCliError.CannotRead, options.index, (e as Error).message);
    return EXIT_FAILURE;
  }
  try {
    queries = await readPersons(options.query, (n, e) => (problems++, say(MatchCliError.QueryLine, String(n), e.text(io.language))));
  } catch (e) {
    say(MatchCliError.CannotRead, options.query, (e as Error).message);
    return EXIT_FAILURE;
  }
  let chunk = '';
  for (const q of queries) {
    const candidates = index.search(q, options.top);
    chunk += JSON.stringify({ query: q.id, candidates: candidates.map((c) => ({ id: c.id, score: c.score, match: c.match, explanation: c.explanation })) }) + '\n';
    if (chunk.length >= 65_536) {
      if (!io.stdout.write(chunk)) await once(io.stdout, 'drain');
      chunk = '';
    }
  }
  if (chunk !== '' && !io.stdout.write(chunk)) await once(io.stdout, 'drain');
  return problems > 0 ? EXIT_BAD_LINES : EXIT_OK;
}

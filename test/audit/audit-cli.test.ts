/**
 * The offline audit as a user runs it: `node bin/shekara.js audit ...` against the fixture journals
 * in test/fixtures/audit/{ok,not-ok}, comparing stdout, stderr and the exit code exactly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtForThisRun } from '../support/processes';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = 'test/fixtures/audit';

interface Case {
  name: string;
  directory: string;
  journal: string;
  from: string;
  to: string;
  asOf: string;
  format: 'jsonl' | 'csv';
  stdout?: string;
  stderr?: string;
  exitCode: number;
}

function cases(dir: 'ok' | 'not-ok'): Array<[string, Case, string]> {
  const list = JSON.parse(readFileSync(path.join(ROOT, FIXTURES, dir, 'cases.json'), 'utf8')) as Case[];
  return list.map((c) => [c.name, c, path.posix.join(FIXTURES, dir)]);
}

/** Runs the CLI from the repository root, as `npx shekara` would. */
function shekara(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, ['bin/shekara.js', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function expectedText(base: string, file: string | undefined): string {
  return file === undefined ? '' : readFileSync(path.join(ROOT, base, file), 'utf8');
}

beforeAll(() => {
  // Always recompile the CLI and the policy library, so the test runs the current sources
  // (bin/shekara.js itself only builds when dist/ is missing).
  if (!builtForThisRun()) execFileSync('npx', ['swc', 'apps/cli', 'libs/policy', '-d', 'dist', '--quiet'], { cwd: ROOT, stdio: 'pipe' });
}, 120_000);

describe.each([['ok' as const], ['not-ok' as const]])('shekara audit on %s fixtures', (dir) => {
  it.each(cases(dir))('%s', (_name, c, base) => {
    const result = shekara([
      'audit',
      '--directory', path.posix.join(base, c.directory),
      '--journal', path.posix.join(base, c.journal),
      '--from', c.from,
      '--to', c.to,
      '--as-of', c.asOf,
      '--format', c.format,
    ]);
    expect(result.stderr).toBe(expectedText(base, c.stderr));
    expect(result.stdout).toBe(expectedText(base, c.stdout));
    expect(result.status).toBe(c.exitCode);
  });
});

describe('shekara command line', () => {
  const ok = `${FIXTURES}/ok`;
  const base = ['audit', '--directory', `${ok}/pairs.directory.json`, '--journal', `${ok}/pairs.jsonl`];

  it('prints usage for --help', () => {
    const result = shekara(['audit', '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: shekara audit --directory DIR.json --journal JOURNAL.jsonl');
  });

  it.each<[string, string[]]>([
    ['unknown option --verbose', ['audit', '--journal', 'x.jsonl', '--from', '2024-03-01', '--to', '2024-03-01', '--verbose']],
    ['--directory is required', ['audit', '--journal', 'x.jsonl', '--from', '2024-03-01', '--to', '2024-03-01']],
    ['--from 2024-03-01 is after --to 2024-02-01', [...base, '--from', '2024-03-01', '--to', '2024-02-01']],
    ['--as-of must be an ISO 8601 instant', [...base, '--from', '2024-03-01', '--to', '2024-03-01', '--as-of', '2024-03-01T10:00']],
    ['--format must be jsonl or csv', [...base, '--from', '2024-03-01', '--to', '2024-03-01', '--format', 'xml']],
    ['unknown command "inspect"', ['inspect']],
  ])('usage error (exit 64): %s', (message, args) => {
    const result = shekara(args);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('fails clearly when the journal cannot be read', () => {
    const result = shekara(['audit', '--directory', `${ok}/pairs.directory.json`, '--journal', `${ok}/missing.jsonl`, '--from', '2024-03-01', '--to', '2024-03-01']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^shekara audit: cannot read journal test\/fixtures\/audit\/ok\/missing\.jsonl: ENOENT/);
  });

  it('audits as of now when --as-of is not given', () => {
    const past = shekara([...base, '--from', '2024-03-01', '--to', '2024-03-01']);
    const future = shekara([...base, '--from', '2099-03-01', '--to', '2099-03-01']);
    expect(past.status).toBe(0);
    const verdictsOf = (stdout: string) => new Set(stdout.trim().split('\n').map((line) => (JSON.parse(line) as { verdict: string }).verdict));
    expect(verdictsOf(past.stdout).has('PENDING')).toBe(false);
    expect(verdictsOf(future.stdout)).toEqual(new Set(['PENDING']));
  });
});

/**
 * `shekara match` as an analyst runs it: `node bin/shekara.js match ...` on the fixtures in
 * test/fixtures/match/{ok,not-ok}, comparing stdout, stderr and the exit code exactly, plus usage
 * errors in both languages. Runs the compiled CLI in dist/ (recompiled first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtForThisRun } from '../support/processes';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = 'test/fixtures/match';

interface Case {
  name: string;
  dir: 'ok' | 'not-ok';
  top: string | null;
  lang: string;
  stdout: string | null;
  stderr: string | null;
  exitCode: number;
}

function shekara(args: string[], lang = 'C') {
  const env = { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' };
  const r = spawnSync(process.execPath, ['bin/shekara.js', ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const read = (file: string | null) => (file === null ? '' : readFileSync(path.join(ROOT, FIXTURES, file), 'utf8'));

beforeAll(() => {
  if (!builtForThisRun()) execFileSync('npx', ['swc', 'apps/cli', 'libs/policy', 'libs/matching', '-d', 'dist', '--quiet'], { cwd: ROOT, stdio: 'pipe' });
}, 120_000);

const cases = JSON.parse(readFileSync(path.join(ROOT, FIXTURES, 'cases.json'), 'utf8')) as Case[];

describe('shekara match on the fixtures', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const base = path.posix.join(FIXTURES, c.dir);
    const args = ['match', '--index', `${base}/persons.jsonl`, '--query', `${base}/queries.jsonl`, ...(c.top === null ? [] : ['--top', c.top])];
    const r = shekara(args, c.lang);
    expect(r.stderr).toBe(read(c.stderr));
    expect(r.stdout).toBe(read(c.stdout));
    expect(r.status).toBe(c.exitCode);
  });

  it('finds the person of the January 2026 case: new surname, misread passport number', () => {
    const lines = read('ok/top10.stdout.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    const hit = lines.find((l) => l.query === 'q-new-surname-same-passport').candidates[0];
    expect(hit).toMatchObject({ id: 'interior-2025-11-03-17', match: true, explanation: { surname: { how: 'different' }, document: { how: 'misread' } } });
    expect(lines.find((l) => l.query === 'q-nobody').candidates.every((c: { match: boolean }) => !c.match)).toBe(true);
    for (const l of lines) for (let i = 1; i < l.candidates.length; i++) expect(l.candidates[i - 1].score).toBeGreaterThanOrEqual(l.candidates[i].score);
  });

  it.each([
    ['en_US.UTF-8', ['match', '--index', 'x'], 'shekara match: --query is required\nRun "shekara match --help" for usage.\n'],
    ['ru_RU.UTF-8', ['match', '--index', 'x'], 'shekara match: --query обязателен\nСправка: "shekara match --help".\n'],
    ['C', ['match', '--index', 'x', '--query', 'y', '--top', '0'], 'shekara match: --top must be a whole number from 1 to 1000: 0\nRun "shekara match --help" for usage.\n'],
    ['C', ['match', '--index', 'x', '--query', 'y', '--color'], 'shekara match: unknown option --color\nRun "shekara match --help" for usage.\n'],
  ])('usage error (%s) %j', (lang, args, stderr) => {
    const r = shekara(args, lang);
    expect(r.stderr).toBe(stderr);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(64);
  });

  it('an unreadable file: exit 1, in the user language', () => {
    const r = shekara(['match', '--index', `${FIXTURES}/ok/missing.jsonl`, '--query', `${FIXTURES}/ok/queries.jsonl`], 'ru_RU.UTF-8');
    expect(r.stderr).toMatch(/^не удалось прочитать test\/fixtures\/match\/ok\/missing.jsonl: ENOENT/);
    expect(r.status).toBe(1);
  });

  it('--help', () => {
    const r = shekara(['match', '--help']);
    expect(r.stdout).toContain('Usage: shekara match --index PERSONS.jsonl --query QUERIES.jsonl [--top N]');
    expect(r.status).toBe(0);
  });
});

import { PassThrough } from 'node:stream';
import path from 'node:path';
import { EXIT_USAGE, main } from './main';

const OK = path.resolve(__dirname, '../../../test/fixtures/audit/ok');

/** Runs main with in-memory streams and a fixed "now"; returns what it wrote and its exit code. */
async function run(argv: string[], now = new Date('2024-03-06T07:00:00Z'), language?: 'en' | 'ru') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
  const code = await main(argv, { stdout, stderr, now: () => now, language });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const audit = ['audit', '--directory', `${OK}/pairs.directory.json`, '--journal', `${OK}/pairs.jsonl`, '--from', '2024-02-29', '--to', '2024-03-01'];

describe('main', () => {
  it('says usage errors in the terminal’s language (audit, verify, clients), or in verify’s --lang', async () => {
    const ru = await run(['audit', '--from', '2024-13-01'], undefined, 'ru');
    expect(ru.code).toBe(EXIT_USAGE);
    expect(ru.stderr).toBe('shekara audit: нужен параметр --directory\nСправка: "shekara audit --help"\n');
    const en = await run(['audit', '--from', '2024-13-01'], undefined, 'en');
    expect(en.stderr).toBe('shekara audit: --directory is required\nRun "shekara audit --help" for usage.\n');
    expect((await run(['verify', '--export', 'x', '--proof', 'y'], undefined, 'ru')).stderr).toContain('укажите либо --export, либо --proof, но не оба');
    expect((await run(['verify', '--export', 'x', '--proof', 'y', '--lang', 'en'], undefined, 'ru')).stderr).toContain('give either --export or --proof, not both');
    expect((await run(['clients', 'create', '--bogus', 'x'], undefined, 'ru')).stderr).toMatch(/^shekara clients: --bogus не параметр команды clients create/);
  });


  it('uses the injected now when --as-of is absent', async () => {
    const withNow = await run(audit);
    const withAsOf = await run([...audit, '--as-of', '2024-03-06T12:00:00+05:00']);
    expect(withNow.code).toBe(0);
    expect(withNow.stdout).toBe(withAsOf.stdout);
    // Before the February window closed, what was MISSING is still PENDING.
    const earlier = await run(audit, new Date('2024-03-05T18:59:59.999Z'));
    const line = (text: string) => text.split('\n').find((l) => l.includes('"MONTHLY","from":"ura-bor","to":"ura-int","period":"2024-02"'));
    expect(line(withNow.stdout)).toContain('"verdict":"MISSING"');
    expect(line(earlier.stdout)).toContain('"verdict":"PENDING"');
  });

  it('prints general usage and refuses unknown commands', async () => {
    expect((await run(['--help'])).stdout).toContain('Usage: shekara <command>');
    const none = await run([]);
    expect(none.code).toBe(EXIT_USAGE);
    expect(none.stderr).toContain('shekara: no command given');
  });

  it('reports a range that no policy covers', async () => {
    const before = await run(['audit', '--directory', `${OK}/pairs.directory.json`, '--journal', `${OK}/pairs.jsonl`, '--from', '2001-01-01', '--to', '2001-01-02']);
    expect(before.code).toBe(1);
    expect(before.stderr).toBe('shekara audit: no policy is in effect on 2001-01-01\n');
  });
});

import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runAudit } from './command';
import { Progress } from './progress';

const OK = path.resolve(__dirname, '../../../../test/fixtures/audit/ok');

function stream(tty: boolean): { s: PassThrough; text: () => string } {
  const s = new PassThrough();
  const chunks: string[] = [];
  s.on('data', (c: Buffer) => chunks.push(c.toString()));
  if (tty) (s as PassThrough & { isTTY?: boolean }).isTTY = true;
  return { s, text: () => chunks.join('') };
}

async function audit(tty: boolean) {
  const out = stream(false);
  const err = stream(tty);
  const code = await runAudit(
    { directory: `${OK}/pairs.directory.json`, journal: `${OK}/pairs.jsonl`, from: '2024-02-29', to: '2024-03-01', format: 'jsonl', asOf: new Date('2024-03-06T07:00:00Z') },
    { stdout: out.s, stderr: err.s, now: () => new Date('2024-03-06T07:00:00Z') },
  );
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('shekara audit progress', () => {
  it('reports reading, judging and the end on a terminal, and clears its line', async () => {
    const tty = await audit(true);
    expect(tty.stderr).toMatch(/shekara audit: reading journal 100% \(\d+\.\d of \d+\.\d MB, \d+ lines\)/);
    expect(tty.stderr).toMatch(/shekara audit: judging \d+ messages…/);
    expect(tty.stderr.endsWith('\r\x1b[K')).toBe(true);
    // The verdicts on stdout are the same as without a terminal.
    const piped = await audit(false);
    expect(tty.stdout).toBe(piped.stdout);
    expect(tty.code).toBe(piped.code);
  });

  it('writes nothing when stderr is not a terminal', async () => {
    expect((await audit(false)).stderr).toBe('');
  });

  it('shows at most one update per interval unless forced', () => {
    const err = stream(true);
    let now = 0;
    const p = new Progress(err.s, 200, () => now);
    p.reading(1, 10, 1);
    now = 100;
    p.reading(2, 10, 2);
    now = 300;
    p.writing(5, 10);
    expect(err.text().match(/shekara audit:/g)).toHaveLength(2);
  });
});

/**
 * The proto sources lint clean, do not break the contract of the last release (the highest tag
 * `vX.Y.Z`; branch main while no release is tagged), and the committed generated code is exactly
 * what `buf generate` produces from them. Versions: docs/protocol.md section 10, CHANGELOG.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');
const BUF = join(ROOT, 'node_modules/.bin/buf');
const GEN = 'libs/contracts/src/gen';

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Relative path → content of every file under `dir`. */
function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** The highest release tag `vMAJOR.MINOR.PATCH`, or undefined when none exists. */
export function lastReleaseTag(tags: readonly string[]): string | undefined {
  const parse = (t: string) => /^v(\d+)\.(\d+)\.(\d+)$/.exec(t)?.slice(1).map(Number);
  const releases = tags.map((t) => ({ t, v: parse(t.trim()) })).filter((x): x is { t: string; v: number[] } => x.v !== undefined);
  releases.sort((a, b) => a.v[0] - b.v[0] || a.v[1] - b.v[1] || a.v[2] - b.v[2]);
  return releases.at(-1)?.t;
}

const release = lastReleaseTag(run('git', ['tag', '-l', 'v*']).output.split('\n'));
/** What `buf breaking` compares with: the last release, else main (said in the test's name). */
const against = release ? { ref: release, input: `.git#tag=${release}`, what: `the last release tag ${release}` } : { ref: 'main', input: '.git#branch=main', what: 'branch main (no release tag v* yet)' };
const againstHasProto = run('git', ['cat-file', '-e', `${against.ref}:proto`]).status === 0;

describe('buf', () => {
  jest.setTimeout(60_000);

  it('lints clean (STANDARD)', () => {
    const r = run(BUF, ['lint']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('picks the highest vMAJOR.MINOR.PATCH tag as the last release', () => {
    expect(lastReleaseTag(['v0.2.0', 'v0.10.0', 'v0.9.3', 'v1.0.0-rc1', 'vx', ''])).toBe('v0.10.0');
    expect(lastReleaseTag(['release-1', ''])).toBeUndefined();
  });

  (againstHasProto ? it : it.skip)(
    againstHasProto
      ? `makes no breaking change (FILE) against ${against.what}`
      : `makes no breaking change against ${against.what} — SKIPPED: it has no proto/ directory`,
    () => {
      const r = run(BUF, ['breaking', '--against', against.input]);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    },
  );

  it('committed generated code is fresh', () => {
    const out = mkdtempSync(join(tmpdir(), 'shekara-buf-gen-'));
    try {
      const r = run(BUF, ['generate', '-o', out]);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
      const fresh = readTree(join(out, GEN));
      const committed = readTree(join(ROOT, GEN));
      expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
      const stale = [...fresh].filter(([path, text]) => committed.get(path) !== text).map(([path]) => path);
      expect(stale).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

/**
 * The dependency rules of .dependency-cruiser.cjs, checked over the real tree and over fixture trees
 * that break one rule each (test/fixtures/architecture/not-ok/<rule>), so that the check is shown
 * to catch what it claims. dependency-cruiser is ESM only: scripts/architecture.mjs runs its API
 * in a child process and prints one violation per line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'architecture');

interface Violation {
  tree: string;
  rule: string;
  from: string;
  to: string;
  cycle?: string[];
}

/** Every tree's violations, from one run of scripts/architecture.mjs over all of them. */
function checkAll(trees: string[]): Map<string, Violation[]> {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'architecture.mjs'), ...trees], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`architecture.mjs failed (${run.status}): ${run.stderr}`);
  const violations = run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Violation);
  // Exit status and output agree: 1 exactly when something is listed.
  expect(run.status).toBe(violations.length > 0 ? 1 : 0);
  return new Map(trees.map((tree) => [tree, violations.filter((v) => v.tree === tree)]));
}

const NOT_OK = readdirSync(join(FIXTURES, 'not-ok')).sort();
const fixture = (...path: string[]) => relative(ROOT, join(FIXTURES, ...path));
let results: Map<string, Violation[]>;
beforeAll(() => {
  results = checkAll(['.', fixture('ok'), ...NOT_OK.map((name) => fixture('not-ok', name))]);
});
const check = (tree: string): Violation[] => results.get(tree)!;

const describe1 = (v: Violation): string => `${v.rule}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.join(' -> ')})` : ''}`;

it('the repository keeps its dependency rules', () => {
  expect(check('.').map(describe1)).toEqual([]);
});

it('a tree that keeps the rules passes (libraries through their roots, web through @shared and its contract file)', () => {
  expect(check(fixture('ok'))).toEqual([]);
});

describe('each rule catches its violation', () => {
  const expected: Record<string, string[]> = {
    'app-imports-app': ['app-imports-app: apps/c/src/main.ts -> apps/a/src/main.ts'],
    'app-imports-non-lib': ['app-imports-non-lib: apps/c/src/main.ts -> test/support/helper.ts'],
    'lib-imports-app': ['lib-imports-app: libs/b/src/tokens/token.ts -> apps/c/src/main.ts'],
    'lib-deep-import-across-libs': ['lib-deep-import-across-libs: libs/b/src/tokens/token.ts -> libs/contracts/src/agencies.ts'],
    'not-to-unresolvable': ['not-to-unresolvable: apps/c/src/main.ts -> ./no-such-file'],
    'leaf-lib-imports-internal': ['leaf-lib-imports-internal: libs/policy/src/index.ts -> libs/b/src/index.ts'],
    'lib-deep-import': ['lib-deep-import: apps/a/src/main.ts -> libs/b/src/inner/inner.ts'],
    'lib-folder-cycle': [
      'lib-folder-cycle: libs/b/src/inner -> libs/b/src/tokens (cycle libs/b/src/tokens -> libs/b/src/inner)',
      'lib-folder-cycle: libs/b/src/tokens -> libs/b/src/inner (cycle libs/b/src/inner -> libs/b/src/tokens)',
    ],
    'web-contract-outside-shared': ['web-contract-outside-shared: web/desk/src/main.tsx -> libs/contracts/src/gen/v1_pb.ts'],
    'web-imports-contract-values': ['web-imports-contract-values: web/shared/contract.ts -> libs/contracts/src/gen/v1_pb.ts'],
    'web-imports-server': ['web-imports-server: web/shared/contract.ts -> libs/b/src/index.ts'],
  };

  it('every not-ok fixture has its expectation', () => {
    expect(NOT_OK).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s', (name, violations) => {
    expect(check(fixture('not-ok', name)).map(describe1)).toEqual(violations);
  });
});

describe('the monorepo is described as it is', () => {
  const dirs = (parent: string): string[] => readdirSync(join(ROOT, parent), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const json = (file: string): any => JSON.parse(readFileSync(join(ROOT, file), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
  const apps = dirs('apps');
  const libs = dirs('libs');

  it('nest-cli.json has every app and lib as a project, and nothing else', () => {
    const projects = json('nest-cli.json').projects as Record<string, { type: string; root: string; sourceRoot: string }>;
    const expected = Object.fromEntries([
      ...apps.map((a) => [a, { type: 'application', root: `apps/${a}`, sourceRoot: `apps/${a}/src` }]),
      ...libs.map((l) => [l, { type: 'library', root: `libs/${l}`, sourceRoot: `libs/${l}/src` }]),
    ]);
    const actual = Object.fromEntries(Object.entries(projects).map(([name, p]) => [name, { type: p.type, root: p.root, sourceRoot: p.sourceRoot }]));
    expect(actual).toEqual(expected);
  });

  it('tsconfig.json and .swcrc map @shekara/<lib> for every lib, and nothing else', () => {
    const expected = Object.fromEntries(libs.map((l) => [`@shekara/${l}`, [`libs/${l}/src/index.ts`]]));
    const norm = (paths: Record<string, string[]>) => Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, v.map((p) => p.replace(/^\.\//, ''))]));
    expect(norm(json('tsconfig.json').compilerOptions.paths)).toEqual(expected);
    expect(norm(json('.swcrc').jsc.paths)).toEqual(expected);
  });
});

#!/usr/bin/env node
/**
 * Checks the repository's dependency rules (.dependency-cruiser.cjs) with dependency-cruiser's API
 * and prints the violations as JSON lines: {"tree","rule","from","to","cycle"?}. Exit status 1 when
 * there are violations. dependency-cruiser is ESM only, so the Jest spec (scripts/architecture.spec.ts)
 * runs this file as a child process.
 *
 *   node scripts/architecture.mjs                         the repository (fixtures excluded)
 *   node scripts/architecture.mjs . test/fixtures/architecture/not-ok/<case> ...   trees (paths from the repository root)
 *
 * A tree is cruised from its own root: its folders among apps, libs, bench, scripts, test and web,
 * resolved with its tsconfig.json (the @shekara/* paths) and web's "@shared" alias.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOP_FOLDERS = ['apps', 'libs', 'bench', 'scripts', 'test', 'web'];

/** The violations of the rules in the tree at `root` (absolute), sorted. */
export async function checkArchitecture(root) {
  const config = createRequire(import.meta.url)(join(REPO, '.dependency-cruiser.cjs'));
  const folders = TOP_FOLDERS.filter((f) => existsSync(join(root, f)));
  const tsConfigFile = join(root, 'tsconfig.json');
  const { tsConfig: _ignored, ...options } = config.options;
  const exclude = [...options.exclude.path];
  // The fixture trees break the rules on purpose: the repository's run leaves them out.
  if (root === REPO) exclude.push('^test/fixtures/architecture/');
  const previous = process.cwd();
  process.chdir(root);
  try {
    const result = await cruise(
      folders,
      { ...options, exclude: { path: exclude }, validate: true, ruleSet: { forbidden: config.forbidden }, outputType: 'json' },
      { tsConfig: tsConfigFile, alias: { '@shared': join(root, 'web', 'shared') } },
      { tsConfig: extractTSConfig(tsConfigFile) },
    );
    const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
    return output.summary.violations
      .map((v) => ({
        rule: v.rule.name,
        from: v.from,
        to: v.to,
        ...(v.cycle ? { cycle: v.cycle.map((c) => (typeof c === 'string' ? c : c.name)) } : {}),
      }))
      .sort((a, b) => `${a.rule} ${a.from} ${a.to}`.localeCompare(`${b.rule} ${b.from} ${b.to}`));
  } finally {
    process.chdir(previous);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Several trees in one run (dependency-cruiser loads once): each line names its tree.
  const trees = process.argv.length > 2 ? process.argv.slice(2) : ['.'];
  let found = 0;
  for (const tree of trees) {
    const violations = await checkArchitecture(resolve(REPO, tree));
    for (const v of violations) process.stdout.write(`${JSON.stringify({ tree, ...v })}\n`);
    found += violations.length;
  }
  process.exitCode = found > 0 ? 1 : 0;
}

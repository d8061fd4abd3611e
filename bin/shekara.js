#!/usr/bin/env node
// Entry point of the `shekara` command (package.json "bin"). Runs the compiled CLI from dist/; in a
// fresh clone, where dist/ does not exist yet, it first compiles the sources with SWC.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

if (!existsSync(entry)) {
  const build = spawnSync('npx', ['swc', 'apps', 'libs', '-d', 'dist', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0 || !existsSync(entry)) {
    process.stderr.write(`shekara: building dist/ with "npx swc apps libs -d dist" failed\n${build.stderr || build.error || ''}\n`);
    process.exit(1);
  }
}

require(entry).run();

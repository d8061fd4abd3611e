#!/usr/bin/env bash
# Compiles apps/, libs/, scripts/ and test/ to dist/ with SWC (path aliases rewritten), copying the
# JSON data files the code imports. Type checking is separate: npm run typecheck.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx --no-install swc apps libs scripts test -d dist --copy-files --quiet --ignore '**/*.spec.ts' >/dev/null
# The web consoles (Vite): built into dist/web/<console>, served by the nodes and the supervisor.
if [ -f scripts/build-web.sh ]; then bash scripts/build-web.sh; fi

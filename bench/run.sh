#!/usr/bin/env bash
# npm run bench: builds the code under test (apps, libs, scripts) and the benchmark (bench/src) into
# bench/.build with SWC — a private build, so a concurrent `npm run build` (which empties dist/)
# cannot pull the code from under a running benchmark — then runs it.
#   BENCH_QUICK=1          the short version (~2 min instead of ~3-4)
#   BENCH_SOURCE=head      measure the committed HEAD (git archive) instead of the working tree
#   BENCH_SOURCE=<commit>  measure that commit
#   BENCH_PROFILE=0        no CPU profiles;  BENCH_LOG_LEVEL=warn  quieter nodes (default info)
#   BENCH_NODE_ENV='{"OUTBOX_VACUUM_MS":"0"}'  extra settings of the agency nodes (experiments)
#   BENCH_NODE_ARGS='--trace-deopt'  extra arguments of node for the agency nodes (experiments)
#   BENCH_ONLY=api200,inject  only these phases (baselines, api200, api1000, saturation, inject,
#                          profile, compliance); writes bench/results/partial.{json,md}
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SWC="$ROOT/node_modules/.bin/swc"
bash scripts/services.sh >/dev/null 2>&1 || true
# The processes run with the heap settings they run with in production.
# shellcheck disable=SC1091
source scripts/node-options.sh
rm -rf bench/.build bench/.build-src
SOURCE=${BENCH_SOURCE:-worktree}
if [ "$SOURCE" = worktree ]; then
  SRC=$ROOT
  export BENCH_SOURCE_DESC="working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- apps libs scripts || echo ' + uncommitted changes')"
else
  [ "$SOURCE" = head ] && SOURCE=HEAD
  SRC=$ROOT/bench/.build-src
  mkdir -p "$SRC/bench"
  git archive "$SOURCE" apps libs scripts .swcrc | tar -x -C "$SRC"
  cp -r bench/src "$SRC/bench/src"
  export BENCH_SOURCE_DESC="commit $(git rev-parse --short "$SOURCE")"
fi
(cd "$SRC" && "$SWC" apps libs scripts bench/src -d "$ROOT/bench/.build" --copy-files --quiet --ignore '**/*.spec.ts' >/dev/null)
rm -rf bench/.build-src
exec node bench/.build/bench/src/run.js "$@"

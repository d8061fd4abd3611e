#!/usr/bin/env bash
# The transparency log's benchmark alone (bench/src/tlog.ts): appends per second into the
# PostgreSQL log and the offline verification of a 215k-message export. Builds into
# var/bench-tlog (private, like bench/run.sh) and prints JSON on stdout.
#   BENCH_TLOG_ONLY=append|verify   one of the two;  BENCH_TLOG_MESSAGES=n  export size
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf var/bench-tlog
node_modules/.bin/swc apps libs bench/src -d var/bench-tlog --copy-files --quiet --ignore '**/*.spec.ts' >/dev/null
exec node var/bench-tlog/bench/src/tlog.js "$@"

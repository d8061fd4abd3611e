#!/usr/bin/env bash
# The whole test suite: type check, protobuf lint, unit and integration tests against the local
# PostgreSQL, NATS and Redis (started if down). With arguments, one Jest run with them
# (`npm test -- test/exchange/receipts.test.ts`).
#
# Without: two runs, two files at a time each. The unit specs and the integration tests first; the
# resilience tests, which kill processes and measure delivery under load, after them, so that none
# of them shares the machine with the first run's CPU-bound files. One at a time they left the two
# cores idle half the time (they wait on restarts and elections): 521 s, against 313 s two at a
# time. Both runs go whatever the first's outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/install.sh
# dist/ (apps and consoles) is built from the tree now: tests that rebuild what they run skip it.
export SHEKARA_TEST_BUILT=1
npx --no-install tsc -p tsconfig.json --noEmit
if [ $# -gt 0 ]; then
  exec npx --no-install jest --ci "$@"
fi
status=0
npx --no-install jest --ci --maxWorkers=2 --testPathIgnorePatterns '/test/resilience/' || status=$?
npx --no-install jest --ci --maxWorkers=2 --testPathPatterns '/test/resilience/' || status=$?
exit $status

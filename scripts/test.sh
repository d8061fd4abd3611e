#!/usr/bin/env bash
# The whole test suite: type check, protobuf lint, unit and integration tests against the local
# PostgreSQL, NATS and Redis (started if down). With arguments, one Jest run with them
# (`npm test -- test/exchange/receipts.test.ts`).
#
# Without: two runs. The unit specs and the integration tests (which mostly wait on their servers)
# run two files at a time; the resilience tests, which load the machine, kill processes and measure
# delivery under load, run one at a time after them. Both run whatever the first's outcome.
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
npx --no-install jest --ci --maxWorkers=1 --testPathPatterns '/test/resilience/' || status=$?
exit $status

#!/usr/bin/env bash
# The whole test suite: type check, protobuf lint, unit and integration tests against the local
# PostgreSQL, NATS and Redis (started if down).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/install.sh
npx --no-install tsc -p tsconfig.json --noEmit
npx --no-install jest --ci "$@"

#!/usr/bin/env bash
# Installs the npm dependencies (when missing or older than the lock file) and builds dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm install from the lock file (not npm ci: npm 11 here writes lock files without the other
# platforms' optional packages, and npm ci then refuses them as out of sync).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install: npm install (from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
fi
bash scripts/build.sh

#!/usr/bin/env bash
# Builds the web consoles (Vite + React) under web/ into dist/web/<console>: web/desk (the duty
# desk, served by every agency node) and, once it exists, web/supervisor. Run by scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
for console in desk supervisor; do
  [ -f "web/$console/index.html" ] || continue
  NODE_ENV=production SHEKARA_CONSOLE=$console npx --no-install vite build --config web/vite.config.mts --logLevel warn >/dev/null
done

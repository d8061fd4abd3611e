#!/usr/bin/env bash
# Stops what npm run up started.
cd "$(dirname "$0")/.."
for f in var/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null && echo "stopped $(basename "$f" .pid) ($pid)"
  rm -f "$f"
done

#!/usr/bin/env bash
# Stops what npm run up started: the apps first, then the bus (`bus up` stops its nats-servers).
cd "$(dirname "$0")/.."
stop() { # pid file
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill "$pid" 2>/dev/null; then
    echo "stopped $(basename "$f" .pid) ($pid)"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$f"
}
for f in var/run/*.pid; do
  [ "$f" = var/run/bus.pid ] || stop "$f"
done
stop var/run/bus.pid

#!/usr/bin/env bash
# Starts the whole Shekara system on the local services with demo data, in the background, and
# prints where to go. Stop it with: npm run down
# The bus is the provisioned topology (docs/bus.md): config/bus.json provisioned (idempotently) into
# var/bus, a hub and one nats-server per agency (stores under var/bus/), every app connecting as its
# own identity; the machine's open server on 4222 is not used.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/install.sh
bash scripts/down.sh >/dev/null 2>&1 || true

mkdir -p var/log var/run
# shellcheck disable=SC1091
source scripts/node-options.sh
node dist/scripts/directory.js ensure var >/dev/null
# Every service reads the public directory; each node only its own agency's keys; the authority's
# private key (var/authority/) is the operator's (npx shekara directory ...).
DIRECTORY=var/public/directory.json
DIRECTORY_AUTHORITY_KEY=$(cat var/public/directory-authority.pub)
if [ ! -f var/secrets.env ]; then
  umask 077
  {
    for a in INTERIOR BORDER CUSTOMS SUPERVISOR; do echo "${a}_JWT_SECRET=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")"; done
  } > var/secrets.env
fi
# shellcheck disable=SC1091
source var/secrets.env
# A secrets file from an older checkout may lack the supervisor's secret.
if [ -z "${SUPERVISOR_JWT_SECRET:-}" ]; then
  echo "SUPERVISOR_JWT_SECRET=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))")" >> var/secrets.env
  source var/secrets.env
fi

# The database roles' passwords (docker-compose.yml; the local server trusts 127.0.0.1).
for a in INTERIOR BORDER CUSTOMS SUPERVISOR; do
  for v in "${a}_DB_PASSWORD" "${a}_DB_OWNER_PASSWORD"; do
    grep -q "^$v=" var/secrets.env || echo "$v=$(node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))")" >> var/secrets.env
  done
done
# shellcheck disable=SC1091
source var/secrets.env

# Each app's database with its owner role (migrations) and its restricted app role (what the app
# connects as), provisioned by the administrator, whose URL no app gets (docs/database-roles.md).
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db_urls() { # name -> DATABASE_URL and DATABASE_MIGRATION_URL of that app, its database provisioned and migrated
  local db="shekara_$1"
  DATABASE_URL="postgres://${db}_app@127.0.0.1:5432/$db"
  DATABASE_MIGRATION_URL="postgres://${db}_owner@127.0.0.1:5432/$db"
  node dist/apps/cli/src/main.js db provision --admin-url "$PG_ADMIN_URL" --database-url "$DATABASE_URL" --migration-url "$DATABASE_MIGRATION_URL" >/dev/null
  # The migration step, as the owner: the app itself is then started with DATABASE_URL only (it
  # refuses to start on a schema behind its code, and refuses DATABASE_MIGRATION_URL).
  DATABASE_URL="$DATABASE_URL" DATABASE_MIGRATION_URL="$DATABASE_MIGRATION_URL" node dist/apps/"$1"/src/main.js migrate >>"var/log/$1.log" 2>&1 \
    || { echo "up: the migration step of $1 failed; see var/log/$1.log" >&2; tail -n 5 "var/log/$1.log" >&2; exit 1; }
}
# A server without autovacuum (as on CI machines): the nodes vacuum their outbox themselves, which
# only the owner may; they get its URL for that round only (DATABASE_MAINTENANCE_URL).
AUTOVACUUM=$(psql "$PG_ADMIN_URL" -Atc 'SHOW autovacuum' 2>/dev/null || echo on)

# The bus: keys, certificates and picked ports are kept on re-runs ("nothing changed").
BUS=var/bus
node dist/apps/cli/src/main.js bus provision --topology config/bus.json --out "$BUS"
# `bus up` runs the hub and the agency servers from the generated configs and stops them on SIGTERM.
nohup node dist/apps/cli/src/main.js bus up --bus "$BUS" >>var/log/bus.log 2>&1 &
echo $! > var/run/bus.pid
for _ in $(seq 1 120); do
  grep -q 'bus up: every leaf linked to the hub' var/log/bus.log 2>/dev/null && break
  kill -0 "$(cat var/run/bus.pid)" 2>/dev/null || { echo "up: the bus did not start; see var/log/bus.log" >&2; tail -n 20 var/log/bus.log >&2; exit 1; }
  sleep 0.5
done
grep -q 'bus up: every leaf linked to the hub' var/log/bus.log || { echo "up: the bus servers did not link; see var/log/bus.log" >&2; exit 1; }

start() { # name port secret
  local name=$1 port=$2 secret=$3
  db_urls "$name"
  local maintenance=""
  [ "$AUTOVACUUM" = off ] && maintenance=$DATABASE_MIGRATION_URL
  SHEKARA_AGENCY=$name DATABASE_URL="$DATABASE_URL" DATABASE_MAINTENANCE_URL="$maintenance" BUS_DIR=$BUS BUS_IDENTITY="$name-node" \
  HTTP_PORT=$port JWT_SECRET=$secret DIRECTORY_PATH=$DIRECTORY DIRECTORY_AUTHORITY_KEY=$DIRECTORY_AUTHORITY_KEY KEYS_PATH="var/keys/$name/keys.json" DEMO_USERS=true \
  NODE_OPTIONS="$AGENCY_NODE_OPTIONS" nohup node --enable-source-maps "dist/apps/$name/src/main.js" >>"var/log/$name.log" 2>&1 &
  echo $! > "var/run/$name.pid"
}
start interior 3001 "$INTERIOR_JWT_SECRET"
start border 3002 "$BORDER_JWT_SECRET"
start customs 3003 "$CUSTOMS_JWT_SECRET"

db_urls supervisor
DATABASE_URL="$DATABASE_URL" BUS_DIR=$BUS BUS_IDENTITY=supervisor \
HTTP_PORT=3010 JWT_SECRET="$SUPERVISOR_JWT_SECRET" DIRECTORY_PATH=$DIRECTORY DIRECTORY_AUTHORITY_KEY=$DIRECTORY_AUTHORITY_KEY DEMO_USERS=true \
  NODE_OPTIONS="$SUPERVISOR_NODE_OPTIONS" nohup node --enable-source-maps dist/apps/supervisor/src/main.js >>var/log/supervisor.log 2>&1 &
echo $! > var/run/supervisor.pid

DIRECTORY_PATH=$DIRECTORY DIRECTORY_AUTHORITY_KEY=$DIRECTORY_AUTHORITY_KEY REDIS_URL=redis://127.0.0.1:6379 BUS_DIR=$BUS BUS_IDENTITY=scheduler HTTP_PORT=3020 \
  NODE_OPTIONS="$SCHEDULER_NODE_OPTIONS" nohup node --enable-source-maps dist/apps/scheduler/src/main.js >>var/log/scheduler.log 2>&1 &
echo $! > var/run/scheduler.pid

for port in 3001 3002 3003 3010 3020; do
  for _ in $(seq 1 180); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "up: the node on port $port did not become ready; see var/log/" >&2; exit 1; }
done

echo
echo "The bus (var/bus, servers' logs beside their configs):"
grep -E '^shekara-' var/log/bus.log | tail -n 4 | sed 's/^/  /'
cat <<'TXT'

Shekara is running (logs in var/log/, stop with: npm run down).
Check the bus's isolation: npx shekara bus check --bus var/bus --forbidden-only

  Migration police (interior)  http://127.0.0.1:3001   API docs: http://127.0.0.1:3001/api/docs
  Border Service (border)      http://127.0.0.1:3002   API docs: http://127.0.0.1:3002/api/docs
  Customs (customs)            http://127.0.0.1:3003   API docs: http://127.0.0.1:3003/api/docs
  Supervisor (compliance)      http://127.0.0.1:3010   API docs: http://127.0.0.1:3010/api/docs
  Scheduler (report windows)   http://127.0.0.1:3020/health
  Health / metrics             /health   /metrics   on every app

Demo logins (password: shekara-demo), all at checkpoint Nur Zholy (CP-CN-A-01), level 4:
  interior.duty  interior.senior  interior.supervisor  interior.admin   (migration control post)
  border.duty    border.senior    border.supervisor    border.admin     (border control section)
  customs.duty   customs.senior   customs.supervisor   customs.admin    (customs post)
  (*.duty are cleared FOR_OFFICIAL_USE; *.senior, supervisors and admins CONFIDENTIAL)
Supervisor console (http://127.0.0.1:3010):
  supervisor.interior  supervisor.border  supervisor.customs   (supervisors)   supervisor (admin)

Try it:
  TOKEN=$(curl -s localhost:3002/api/auth/login -H 'content-type: application/json' \
          -d '{"username":"border.duty","password":"shekara-demo"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')
  curl -s localhost:3002/api/me -H "authorization: Bearer $TOKEN"
TXT

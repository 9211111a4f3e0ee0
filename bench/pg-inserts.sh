#!/usr/bin/env bash
# PostgreSQL alone (issue 6): how many registrations per second the schema takes when nothing
# but pgbench talks to it — no HTTP, no nodes, no HAProxy. A fresh server (scripts/pg-server.sh,
# durable commits), Admit's migrations applied with psql, 2,000 attendees and one event, then
# pgbench runs bench/pg_inserts.sql (a batch of 20 registrations with their tickets and audit
# rows, as the registration writer sends them) from N clients. Each run starts on a fresh
# database. ADMIT_BENCH_SCHEMAS="5 6" alternates runs between schema versions (the migrations
# up to each), to compare one schema change on the same server in the same minutes.
# Usage: bench/pg-inserts.sh [seconds, default 10] [clients, default 2] [runs, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10}
clients=${2:-2}
runs=${3:-3}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/pgbench" ] || { echo "pgbench is missing (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/admit-bench-pgi.XXXXXX)
chmod 711 "$work"  # PostgreSQL runs as `postgres` and must reach $work/pg
cleanup() { bash scripts/pg-server.sh stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 143' TERM INT

admin_url=$(bash scripts/pg-server.sh start "$work/pg")
schemas=${ADMIT_BENCH_SCHEMAS:-$(ls migrations/V*.postgres.sql | sed 's/.*V0*\([0-9]*\)__.*/\1/' | sort -n | tail -1)}

fresh_database() {  # schema version -> URL of a new database with Admit's schema and the fixture
  local db="admit_pgi_$RANDOM$RANDOM" version=$1 f
  psql -X -q -d "$admin_url" -c "CREATE DATABASE $db"
  local url="${admin_url%/*}/$db"
  for f in migrations/V*.postgres.sql; do
    [ "$(basename "$f" | sed 's/^V0*\([0-9]*\)__.*/\1/')" -le "$version" ] || continue
    psql -X -q -v ON_ERROR_STOP=1 -d "$url" -f "$f"
  done
  psql -X -q -v ON_ERROR_STOP=1 -d "$url" <<'SQL'
INSERT INTO users (id, email, name, password_hash, roles, created_at) VALUES ('org', 'org@bench.example', 'Org', 'x', 2, 0);
INSERT INTO users (id, email, name, password_hash, roles, created_at)
  SELECT 'u' || i, 'u' || i || '@bench.example', 'Attendee ' || i, 'x', 1, 0 FROM generate_series(1, 2000) i;
INSERT INTO events (id, organizer_id, name, description, starts_at, timezone, location, capacity, max_per_attendee,
                    price_minor, currency, status, created_at, updated_at, search_text)
  VALUES ('ev1', 'org', 'Flash sale', '', 1906000000, 'UTC', 'Arena', 100000000, 100000, 0, 'EUR', 'published', 0, 0, '');
INSERT INTO ticket_types (id, event_id, name, price_minor, capacity, position) VALUES ('tt1', 'ev1', 'General', 0, 100000000, 0);
SQL
  echo "$url"
}

echo "| run | schema version | registrations/s | latency per batch of 20 |"
echo "| ---: | ---: | ---: | ---: |"
for run in $(seq 1 "$runs"); do
  for version in $schemas; do
    url=$(fresh_database "$version")
    out=$("$pg_bin/pgbench" -n -M prepared -c "$clients" -j 1 -T "$duration" -f bench/pg_inserts.sql "$url" 2>&1)
    tps=$(awk '/^tps/ { print $3 }' <<<"$out")
    latency=$(awk '/^latency average/ { print $4 " " $5 }' <<<"$out")
    echo "| $run | $version | $(awk -v t="$tps" 'BEGIN { printf "%.0f", t * 20 }') | $latency |"
    psql -X -q -d "$admin_url" -c "DROP DATABASE ${url##*/}"
  done
done
echo
echo "pgbench -c$clients -T${duration}s, PostgreSQL $(psql -X -qtA -d "$admin_url" -c 'SHOW server_version'), $(nproc) cores; $(date -u '+%F %H:%M') UTC"

#!/usr/bin/env bash
# PostgreSQL and many nodes (issue 6): a local cluster (scripts/cluster.sh: PostgreSQL with
# durable commits, N `admit serve` nodes, HAProxy in front) for N = 1, 2, 3, each on a fresh
# database, everything on this machine. For each N, through the balancer:
#  1. flash sale on one free event with many distinct attendees (bench/register.lua):
#     confirmed registrations/s, p50/p99;
#  2. sell-out of a small event: confirmed must equal capacity exactly;
#  3. GET /api/events/{id} and GET /healthz (the balanced ceiling) requests/s, and
#     GET /api/events/{id} on one node directly (without HAProxy).
# Usage: bench/postgres.sh [seconds per run, default 10] [connections, default 64] [node counts, default "1 2 3"]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10}
connections=${2:-64}
node_counts=${3:-1 2 3}
attendees=${ADMIT_BENCH_ATTENDEES:-2000}
sellout_capacity=${ADMIT_BENCH_SELLOUT:-2000}
export ADMIT_BIN=${ADMIT_BIN:-$PWD/build/release/src/admit}
source bench/lib.sh  # after ADMIT_BIN: the nodes need an absolute path
[ -x "$ADMIT_BIN" ] || { echo "build first: $ADMIT_BIN is missing (or set ADMIT_BIN)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/admit-bench-pg.XXXXXX)
chmod 711 "$work"  # PostgreSQL runs as `postgres` and must reach $work/pg
cluster_dir=
cleanup() {
  if [ -n "$cluster_dir" ]; then bash scripts/cluster.sh stop "$cluster_dir" || true; fi
  bash scripts/pg-server.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

admin_url=$(bash scripts/pg-server.sh start "$work/pg")
settings=$(psql -X -qtA -d "$admin_url" -c "SELECT string_agg(n || '=' || current_setting(n), ', ') FROM unnest(ARRAY['fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'max_connections']) AS n")
pg_version=$(psql -X -qtA -d "$admin_url" -c "SHOW server_version")

# Nodes for benchmarking: no rate limits (every request comes from one address), cheap password
# hashing so that thousands of attendees sign up quickly, the request log at `warn`.
export ADMIT_RATE_LIMIT=0 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024 ADMIT_LOG_LEVEL=warn

json_field() { sed "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/"; }
json_number() { grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }
parse() {  # wrk output -> "rps p50 p99"
  awk '/Requests\/sec/ { r = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } END { print r, p50, p99 }'
}
non2xx() { grep -o 'Non-2xx or 3xx responses: [0-9]*' | grep -o '[0-9]*$' || echo 0; }

rows=()
failed=0
for n in $node_counts; do
  echo "=== $n node(s): fresh database, cluster, $attendees attendees" >&2
  db="admit_bench_$n"
  psql -X -q -d "$admin_url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  db_url="${admin_url%/*}/$db"
  cluster_dir="$work/cluster-$n"
  bash scripts/cluster.sh start "$cluster_dir" --nodes "$n" --database "$db_url" >"$work/cluster-$n.out"
  lb=$(grep '^balancer=' "$work/cluster-$n.out" | cut -d= -f2)
  post() { curl -sf -X POST "$lb$1" -H 'content-type: application/json' "${@:3}" -d "$2"; }

  organizer=$(post /api/auth/signup "{\"email\":\"org$n@bench.example\",\"password\":\"benchmark-password\",\"name\":\"Org\",\"role\":\"organizer\"}" | json_field accessToken)
  new_event() {  # capacity, max per attendee
    post /api/events "{\"name\":\"Flash sale\",\"date\":\"2030-06-01T18:00:00Z\",\"location\":\"Arena\",\"capacity\":$1,\"maxPerAttendee\":$2}" \
      -H "authorization: Bearer $organizer" | json_field eventId || { echo "creating an event failed" >&2; exit 1; }
  }
  seq 1 "$attendees" | xargs -P 8 -I{} curl -sf -X POST "$lb/api/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"a{}-$n@bench.example\",\"password\":\"benchmark-password\",\"name\":\"Attendee {}\"}" |
    grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 >"$work/tokens"
  [ "$(wc -l <"$work/tokens")" -eq "$attendees" ] || { echo "sign-up failed" >&2; exit 1; }

  # 1. Throughput: an event too big to sell out during the run.
  big=$(new_event 1000000 1000)
  # Where the CPU goes during the sale: PostgreSQL (the postmaster and every backend), the
  # nodes, HAProxy and wrk, all on the same cores.
  pg_pids() { local pm; pm=$(head -1 "$work/pg/data/postmaster.pid"); echo "$pm" $(pgrep -P "$pm"); }
  node_pids=$(cat "$cluster_dir"/node-*.pid)
  haproxy_pid=$(cat "$cluster_dir/haproxy.pid")
  pg0=$(cpu_ms $(pg_pids)); nodes0=$(cpu_ms $node_pids); lb0=$(cpu_ms "$haproxy_pid"); wrk0=$(children_cpu_ms)
  out=$(ADMIT_EVENT="$big" ADMIT_TOKENS="$work/tokens" \
    wrk --latency -t2 -c"$connections" -d"${duration}s" -s bench/register.lua "$lb" 2>&1)
  pg_cpu=$(( $(cpu_ms $(pg_pids)) - pg0 )); nodes_cpu=$(( $(cpu_ms $node_pids) - nodes0 ))
  lb_cpu=$(( $(cpu_ms "$haproxy_pid") - lb0 )); wrk_cpu=$(( $(children_cpu_ms) - wrk0 ))
  read -r _ r_p50 r_p99 < <(parse <<<"$out")
  created=$(grep -o 'created=[0-9]*' <<<"$out" | cut -d= -f2)
  other=$(grep -o 'other=[0-9]*' <<<"$out" | cut -d= -f2)
  sleep 1  # requests wrk left in flight finish before the counts are read
  count=$(curl -sf "$lb/api/events/$big" | json_number registeredCount)
  confirmed=$(curl -sf "$lb/api/events/$big/analytics" -H "authorization: Bearer $organizer" | json_number confirmed)
  rps=$(awk -v c="$created" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
  cpu_split="CPU per registration: PostgreSQL $(per_item "$pg_cpu" "$count") ms, nodes $(per_item "$nodes_cpu" "$count") ms, HAProxy $(per_item "$lb_cpu" "$count") ms, wrk $(per_item "$wrk_cpu" "$count") ms"
  # Orders per PostgreSQL transaction, summed over the nodes' metrics.
  batching=$(for url in $(grep '^node[0-9]*=' "$work/cluster-$n.out" | cut -d= -f2); do curl -sf "$url/metrics"; done |
    awk '/^admit_db_registration_batches_total/ { b += $2 } /^admit_db_registration_batch_orders_total/ { o += $2 }
         /^admit_db_transaction_retries_total/ { r += $2 } /^admit_db_registration_guard_fallbacks_total/ { g += $2 }
         END { if (b > 0) printf "%.1f orders per transaction, %.0f transactions/s, %d retried, %d decided again under lock", o / b, b / d, r, g }' d="$duration")

  # 2. Sell-out: far more demand than seats, spread over every node; long enough to sell out
  #    twice over at the rate just measured (3 to 30 s).
  small=$(new_event "$sellout_capacity" $((sellout_capacity < 1000 ? sellout_capacity : 1000)))
  sellout_s=$(awk -v c="$sellout_capacity" -v r="$rps" 'BEGIN { s = int(2 * c / (r > 0 ? r : 1)) + 2; print (s < 3 ? 3 : (s > 30 ? 30 : s)) }')
  out2=$(ADMIT_EVENT="$small" ADMIT_TOKENS="$work/tokens" \
    wrk -t2 -c"$connections" -d"${sellout_s}s" -s bench/register.lua "$lb" 2>&1)
  sleep 1
  created2=$(grep -o 'created=[0-9]*' <<<"$out2" | cut -d= -f2)
  sold_out2=$(grep -o 'sold_out=[0-9]*' <<<"$out2" | cut -d= -f2)
  other2=$(grep -o 'other=[0-9]*' <<<"$out2" | cut -d= -f2)
  count2=$(curl -sf "$lb/api/events/$small" | json_number registeredCount)
  confirmed2=$(curl -sf "$lb/api/events/$small/analytics" -H "authorization: Bearer $organizer" | json_number confirmed)

  # 3. Reads through the balancer.
  out3=$(wrk --latency -t2 -c"$connections" -d"${duration}s" "$lb/api/events/$big" 2>&1)
  read -r d_rps d_p50 d_p99 < <(parse <<<"$out3")
  d_bad=$(non2xx <<<"$out3")
  out4=$(wrk --latency -t2 -c"$connections" -d"${duration}s" "$lb/healthz" 2>&1)
  read -r h_rps _ h_p99 < <(parse <<<"$out4")
  # ... and straight to one node, without the balancer.
  node1=$(grep '^node1=' "$work/cluster-$n.out" | cut -d= -f2)
  out5=$(wrk --latency -t2 -c"$connections" -d"${duration}s" "$node1/api/events/$big" 2>&1)
  read -r n_rps _ n_p99 < <(parse <<<"$out5")

  rows+=("| $n | $rps | $r_p50 | $r_p99 | $created × 201, other $other; registeredCount $count, confirmed $confirmed; $batching; $cpu_split | $created2 × 201, $sold_out2 × 409, other $other2 in ${sellout_s} s; registeredCount $count2 = confirmed $confirmed2 of $sellout_capacity | $d_rps (p99 $d_p99, non-2xx $d_bad) | $h_rps | $n_rps (p99 $n_p99) |")
  # wrk stops counting with up to one request per connection in flight, so the database may hold
  # up to $connections more than wrk saw; never fewer, and never more seats than capacity.
  if ! { [ "$other" -eq 0 ] && [ "$count" -ge "$created" ] && [ "$count" -le $((created + connections)) ] &&
         [ "$confirmed" -eq "$count" ] && [ "$count2" -eq "$sellout_capacity" ] && [ "$confirmed2" -eq "$sellout_capacity" ] &&
         [ "$created2" -le "$sellout_capacity" ] && [ "$other2" -eq 0 ] && [ "$d_bad" -eq 0 ]; }; then
    echo "COUNTS DISAGREE with $n node(s): oversold, lost or failed requests" >&2
    failed=1
  fi
  bash scripts/cluster.sh stop "$cluster_dir"
  cluster_dir=
done

cat <<TABLE
| nodes | confirmed registrations/s | p50 | p99 | flash sale check | sell-out check | GET /api/events/{id}/s | GET /healthz/s | GET /api/events/{id}/s on node1 directly |
| ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |
$(printf '%s\n' "${rows[@]}")

All through HAProxy $(haproxy -v | head -1 | awk '{print $3}') on one port; PostgreSQL $pg_version ($settings);
$attendees attendees per run; wrk -t2 -c$connections -d${duration}s; $(nproc) cores shared by
PostgreSQL, HAProxy, the nodes and wrk; $(date -u '+%F %H:%M') UTC.
TABLE
exit "$failed"

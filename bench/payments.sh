#!/usr/bin/env bash
# Paid flash sale (issue 4): register → create-intent → sandbox confirm (signed webhook) →
# confirmed, many distinct buyers on one event, with the hold sweeper running. Prints
# completed purchases/s and /healthz measured in the same run, and checks at the end that
# nothing was oversold, nothing is left pending and every purchase is confirmed.
# Usage: bench/payments.sh [seconds, default 10] [concurrency, default 64]
# The load generator is bench/loadgen (C++, one thread), built here into build/loadgen;
# ADMIT_LOADGEN=node uses the older Node generator bench/paid_sale.mjs instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${1:-10}
concurrency=${2:-64}
attendees=${ADMIT_BENCH_ATTENDEES:-2000}
loadgen=${ADMIT_LOADGEN:-cpp}
loadgen_threads=${ADMIT_LOADGEN_THREADS:-1}
data=$(mktemp -d /tmp/admit-bench.XXXXXX)
trap 'stop_admit; rm -rf "$data"' EXIT

if [ "$loadgen" = cpp ]; then
  cmake -S bench/loadgen -B build/loadgen -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/loadgen >/dev/null
fi

start_admit "$data" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024 \
  ADMIT_MAX_UNPAID_HOLDS_PER_CLIENT=0  # every buyer comes from the load generator's one address
json_field() { sed "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/"; }
organizer=$(curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"org@bench.example","password":"benchmark-password","name":"Org","role":"organizer"}' | json_field accessToken)
capacity=${ADMIT_BENCH_CAPACITY:-1000000}
event=$(curl -sf -X POST "$ADMIT_URL/api/events" -H 'content-type: application/json' -H "authorization: Bearer $organizer" \
  -d "{\"name\":\"Paid flash sale\",\"date\":\"2030-06-01T18:00:00Z\",\"location\":\"Arena\",\"capacity\":$capacity,\"maxPerAttendee\":1000,\"price\":25,\"currency\":\"EUR\"}" |
  json_field eventId)
echo "signing up $attendees buyers..." >&2
seq 1 "$attendees" | xargs -P 8 -I{} curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"b{}@bench.example","password":"benchmark-password","name":"Buyer {}"}' |
  grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 >"$data/tokens"
[ "$(wc -l <"$data/tokens")" -eq "$attendees" ] || { echo "sign-up failed" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r h_rps h_p50 h_p99 _ < <(wrk_rps "$ADMIT_URL/healthz" -t2 -c"$concurrency" -d"${duration}s")

# Writer figures during the sale only: batches, jobs, busy seconds, log syncs, sync seconds.
db_metrics() {
  curl -sf "$ADMIT_URL/metrics" | awk '/^admit_db_write_batches_total/ { b = $2 } /^admit_db_write_jobs_total/ { j = $2 }
    /^admit_db_writer_busy_seconds_total/ { t = $2 } /^admit_db_log_syncs_total/ { s = $2 } /^admit_db_log_sync_seconds_total/ { st = $2 }
    END { printf "%s %s %s %s %s\n", b, j, t, s + 0, st + 0 }'
}
read -r b0 j0 t0 s0 st0 < <(db_metrics)
hostport=${ADMIT_URL#http://}
server_cpu0=$(cpu_ms "$ADMIT_PID"); loadgen_cpu0=$(children_cpu_ms)
# PERF_OUT=file records a CPU profile of the server during the sale (perf report -i file).
if [ -n "${PERF_OUT:-}" ]; then
  perf record -e cpu-clock -g -p "$ADMIT_PID" -o "$PERF_OUT" -- sleep "$duration" >/dev/null 2>&1 &
fi
if [ "$loadgen" = cpp ]; then
  result=$(build/loadgen/paid_sale "${hostport%:*}" "${hostport##*:}" "$event" "$data/tokens" "$duration" \
    "$concurrency" "$loadgen_threads")
else
  result=$(node bench/paid_sale.mjs "$ADMIT_URL" "$event" "$data/tokens" "$duration" "$concurrency")
fi
server_cpu=$(( $(cpu_ms "$ADMIT_PID") - server_cpu0 )); loadgen_cpu=$(( $(children_cpu_ms) - loadgen_cpu0 ))
read -r b1 j1 t1 s1 st1 < <(db_metrics)
batches=$(awk -v b="$((b1 - b0))" -v j="$((j1 - j0))" -v t="$t1" -v t0="$t0" -v s="$((s1 - s0))" -v st="$st1" -v st0="$st0" \
  'BEGIN { printf "%.1f writes per commit, writer busy %.1f s, %d log syncs (%.2f ms each)", j / b, t - t0, s, s ? 1000 * (st - st0) / s : 0 }')
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
# Let the sweeper run once more after the sale, then look.
sleep 1.5
stats=$(curl -sf "$ADMIT_URL/api/events/$event/analytics" -H "authorization: Bearer $organizer")
echo "$result"
counts=$(grep -o '"capacity":[0-9]*,"registeredCount":[0-9]*,"confirmed":[0-9]*,"pending":[0-9]*' <<<"$stats")
echo "$counts"
rps=$(grep -o '"purchasesPerSecond":[0-9]*' <<<"$result" | cut -d: -f2)
seconds=$(grep -o '"seconds":[0-9.]*' <<<"$result" | cut -d: -f2)
echo "GET /healthz $h_rps/s (p50 $h_p50, p99 $h_p99); purchases/s $rps = $(awk -v a="$rps" -v b="$h_rps" 'BEGIN { printf "%.3f", a / b }') of /healthz"
echo "admit CPU during the sale: $(awk -v ms="$server_cpu" -v s="$seconds" 'BEGIN { printf "%.0f %% of one core", ms / 10 / s }'); $batches"
purchased=$(grep -o '"purchased":[0-9]*' <<<"$result" | cut -d: -f2)
echo "CPU per completed purchase: admit $(per_item "$server_cpu" "$purchased") ms, load generator $(per_item "$loadgen_cpu" "$purchased") ms"
echo "load average before $load_before, after $load_after"
echo "$loadgen load generator, concurrency $concurrency, ${duration}s; $(date -u '+%F %H:%M UTC')"

confirmed=$(grep -o '"confirmed":[0-9]*' <<<"$stats" | cut -d: -f2)
pending=$(grep -o '"pending":[0-9]*' <<<"$stats" | cut -d: -f2)
registered=$(grep -o '"registeredCount":[0-9]*' <<<"$stats" | cut -d: -f2)
[ "$registered" -le "$capacity" ] || { echo "OVERSOLD" >&2; exit 1; }
[ "$pending" -eq 0 ] || { echo "PENDING LEFT: $pending" >&2; exit 1; }
[ "$registered" -eq "$confirmed" ] || { echo "SEATS TAKEN ($registered) DIFFER FROM CONFIRMED ($confirmed)" >&2; exit 1; }
if [ "$loadgen" = cpp ]; then
  # The C++ generator finishes every purchase it starts: confirmed seats are exactly its purchases.
  [ "$confirmed" -eq "$purchased" ] || { echo "CONFIRMED ($confirmed) DIFFERS FROM PURCHASED ($purchased)" >&2; exit 1; }
else
  [ "$confirmed" -ge "$purchased" ] || { echo "LOST CONFIRMATIONS" >&2; exit 1; }
fi
echo "checks passed: not oversold, nothing pending, confirmed = purchased"

#!/usr/bin/env bash
# The cost of tracing: GET /api/events/{id} (a route with a use case and a database read, so
# three spans a request) with wrk, tracing off and on (every request sampled, exported to a
# sink collector on this machine, bench/otlp_sink.mjs), alternating, in one sitting.
# Usage: bench/traces.sh [seconds per run, default 10] [connections, default 64] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${1:-10}
connections=${2:-64}
rounds=${3:-3}
data=$(mktemp -d /tmp/admit-bench-traces.XXXXXX)
sink_pid=
trap 'stop_admit; [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$data"' EXIT

node bench/otlp_sink.mjs >"$data/sink.out" &
sink_pid=$!
for _ in $(seq 1 500); do [ -s "$data/sink.out" ] && break; sleep 0.01; done
sink="http://127.0.0.1:$(head -1 "$data/sink.out")"

start_admit "$data/db" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0
token=$(curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark-password","name":"Bench","role":"organizer"}' |
  sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
event_id=$(curl -sf -X POST "$ADMIT_URL/api/events" -H 'content-type: application/json' -H "authorization: Bearer $token" \
  -d '{"name":"Bench event","description":"A benchmark event.","date":"2030-01-15T18:00:00Z","timezone":"Europe/Berlin","location":"Hall 1, Berlin","capacity":500,"price":19.99,"currency":"EUR"}' |
  sed 's/.*"eventId":"\([^"]*\)".*/\1/')
stop_admit

echo "| round | tracing | requests/s | p50 | p99 | non-2xx | spans exported | dropped | load before |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for round in $(seq 1 "$rounds"); do
  for mode in off on; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    if [ "$mode" = on ]; then
      start_admit "$data/db" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_OTLP_ENDPOINT="$sink"
    else
      start_admit "$data/db" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0
    fi
    read -r rps p50 p99 err < <(wrk_rps "$ADMIT_URL/api/events/$event_id" -t2 -c"$connections" -d"${duration}s")
    exported=- dropped=-
    if [ "$mode" = on ]; then
      metrics=$(curl -sf "$ADMIT_URL/metrics")
      exported=$(awk '/^admit_trace_spans_exported_total/ { print $2 }' <<<"$metrics")
      dropped=$(awk '/^admit_trace_spans_dropped_total/ { print $2 }' <<<"$metrics")
    fi
    stop_admit
    echo "| $round | $mode | $rps | $p50 | $p99 | $err | $exported | $dropped | $load |"
  done
done
echo
echo "(wrk -t2 -c$connections -d${duration}s on the same $(nproc)-core machine, $(date -u '+%F %H:%M') UTC)"

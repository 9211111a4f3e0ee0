#!/usr/bin/env bash
# Platform benchmark (issue 2): GET /healthz, GET /api/events/{id}, GET /api/events (page of
# 20) with wrk on this machine, idle memory and start-up time. Prints a Markdown table.
# Usage: bench/platform.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${1:-10}
connections=${2:-64}
data=$(mktemp -d /tmp/admit-bench.XXXXXX)
trap 'stop_admit; rm -rf "$data"' EXIT

# Rate limit high enough to stay out of the way, but on, so its cost is measured.
start_admit "$data" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0
startup=$STARTUP_MS
idle_rss=$(rss_mb "$ADMIT_PID")

token=$(curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"bench@example.com","password":"benchmark-password","name":"Bench","role":"organizer"}' |
  sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
event_id=
for i in $(seq 1 40); do
  id=$(curl -sf -X POST "$ADMIT_URL/api/events" -H 'content-type: application/json' -H "authorization: Bearer $token" \
    -d "{\"name\":\"Bench event $i\",\"description\":\"A benchmark event with a realistic description of a few words.\",\"date\":\"2030-01-$(printf %02d $(( (i % 28) + 1 )))T18:00:00Z\",\"timezone\":\"Europe/Berlin\",\"location\":\"Hall $i, Berlin\",\"capacity\":500,\"price\":19.99,\"currency\":\"EUR\"}" |
    sed 's/.*"eventId":"\([^"]*\)".*/\1/')
  event_id=${event_id:-$id}
done
page=$(curl -sf "$ADMIT_URL/api/events?limit=20")
[[ $page == *'"nextCursor":"'* ]] || { echo "the listing does not have a full page of 20" >&2; exit 1; }

threads=2
read -r h_rps h_p50 h_p99 h_err < <(wrk_rps "$ADMIT_URL/healthz" -t$threads -c"$connections" -d"${duration}s")
read -r e_rps e_p50 e_p99 e_err < <(wrk_rps "$ADMIT_URL/api/events/$event_id" -t$threads -c"$connections" -d"${duration}s")
read -r l_rps l_p50 l_p99 l_err < <(wrk_rps "$ADMIT_URL/api/events?limit=20" -t$threads -c"$connections" -d"${duration}s")
loaded_rss=$(rss_mb "$ADMIT_PID")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<TABLE
| endpoint | requests/s | p50 | p99 | non-2xx | ratio to /healthz |
| --- | ---: | ---: | ---: | ---: | ---: |
| GET /healthz | $h_rps | $h_p50 | $h_p99 | $h_err | 1.00 |
| GET /api/events/{id} | $e_rps | $e_p50 | $e_p99 | $e_err | $(ratio "$e_rps" "$h_rps") |
| GET /api/events?limit=20 | $l_rps | $l_p50 | $l_p99 | $l_err | $(ratio "$l_rps" "$h_rps") |

start-up to ready: ${startup} ms; idle RSS: ${idle_rss} MB; RSS after the load: ${loaded_rss} MB
(wrk -t$threads -c$connections -d${duration}s on the same 2-core machine; $(nproc) cores, $(date -u +%F))
TABLE

#!/usr/bin/env bash
# Paid flash sale (issue 4): register → create-intent → sandbox confirm (signed webhook) →
# confirmed, many distinct buyers on one event, with the hold sweeper running. Prints
# completed purchases/s and checks that nothing was oversold.
# Usage: bench/payments.sh [seconds, default 10] [concurrency, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${1:-10}
concurrency=${2:-64}
attendees=${ADMIT_BENCH_ATTENDEES:-2000}
data=$(mktemp -d /tmp/admit-bench.XXXXXX)
trap 'stop_admit; rm -rf "$data"' EXIT

start_admit "$data" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024
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

result=$(node bench/paid_sale.mjs "$ADMIT_URL" "$event" "$data/tokens" "$duration" "$concurrency")
stats=$(curl -sf "$ADMIT_URL/api/events/$event/analytics" -H "authorization: Bearer $organizer")
echo "$result"
echo "$stats" | grep -o '"capacity":[0-9]*,"registeredCount":[0-9]*,"confirmed":[0-9]*,"pending":[0-9]*'
confirmed=$(grep -o '"confirmed":[0-9]*' <<<"$stats" | cut -d: -f2)
registered=$(grep -o '"registeredCount":[0-9]*' <<<"$stats" | cut -d: -f2)
[ "$registered" -le "$capacity" ] || { echo "OVERSOLD" >&2; exit 1; }
echo "node load generator, concurrency $concurrency, ${duration}s; $(date -u +%F)"
[ "$confirmed" -ge "$(grep -o '"purchased":[0-9]*' <<<"$result" | cut -d: -f2)" ] || { echo "LOST CONFIRMATIONS" >&2; exit 1; }

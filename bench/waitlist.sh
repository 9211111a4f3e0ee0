#!/usr/bin/env bash
# Waiting-list benchmark (issue 15): a free event sells out to CANCELS buyers (one seat each),
# WAITING people join its waiting list (one seat each), then every buyer cancels at once
# (8 requests in flight on kept-alive connections, bench/cancel_all.mjs). Each cancellation offers its freed seat in its own transaction, so
# "every freed seat is offered" is the moment the last cancellation is answered; the script
# measures that, then checks in the database that exactly CANCELS offers exist and that they are
# exactly the first CANCELS entries by joining order (none waiting ahead of an offer), and that
# the event's seats counter equals its seat-holding rows and its capacity.
# Usage: bench/waitlist.sh   (ADMIT_BENCH_WAITING, default 5000; ADMIT_BENCH_CANCELS, default 1000)
# SQLite only (the check reads the database file with sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

waiting=${ADMIT_BENCH_WAITING:-5000}
cancels=${ADMIT_BENCH_CANCELS:-1000}
data=$(mktemp -d /tmp/admit-bench-waitlist.XXXXXX)
trap 'stop_admit; [ -n "${ADMIT_BENCH_KEEP:-}" ] || rm -rf "$data"' EXIT

start_admit "$data" ADMIT_RATE_LIMIT=0 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024
json_field() { sed "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/"; }
post() { curl -sf -X POST "$ADMIT_URL$1" -H 'content-type: application/json' "${@:3}" -d "$2"; }
db() { sqlite3 -cmd '.timeout 5000' "$data/admit.db" "$1"; }

organizer=$(post /api/auth/signup '{"email":"org@bench.example","password":"benchmark-password","name":"Org","role":"organizer"}' | json_field accessToken)
event=$(post /api/events "{\"name\":\"Sold out\",\"date\":\"2030-06-01T18:00:00Z\",\"location\":\"Hall\",\"capacity\":$cancels,\"maxPerAttendee\":1,\"price\":0}" \
  -H "authorization: Bearer $organizer" | json_field eventId)

signups() {  # prefix count file
  seq 1 "$2" | xargs -P 8 -I{} curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\":\"$1{}@bench.example\",\"password\":\"benchmark-password\",\"name\":\"$1 {}\"}" |
    grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 >"$3"
  [ "$(wc -l <"$3")" -eq "$2" ] || { echo "sign-up failed" >&2; exit 1; }
}
echo "signing up $cancels buyers and $waiting waiting people..." >&2
signups b "$cancels" "$data/buyers"
signups w "$waiting" "$data/waiters"

echo "selling out..." >&2
# Each buyer's token beside its order's id (the answer's first registrationId; its tickets name it too).
xargs -P 8 -L1 sh -c 'printf "%s %s\n" "$1" "$(curl -sf -X POST "$0/api/registrations" -H "content-type: application/json" \
  -H "authorization: Bearer $1" -d "{\"eventId\":\"$2\",\"quantity\":1}" | grep -o "\"registrationId\":\"[^\"]*\"" |
  head -1 | cut -d\" -f4)"' "$ADMIT_URL" < <(sed "s/\$/ $event/" "$data/buyers") >"$data/cancels"
[ "$(awk 'NF == 2' "$data/cancels" | wc -l)" -eq "$cancels" ] || { echo "the sale did not sell out" >&2; exit 1; }

echo "joining the waiting list..." >&2
xargs -P 8 -I{} curl -sf -o /dev/null -X POST "$ADMIT_URL/api/events/$event/waitlist" -H 'content-type: application/json' \
  -H 'authorization: Bearer {}' -d '{"quantity":1}' <"$data/waiters"
[ "$(db "SELECT COUNT(*) FROM waitlist_entries WHERE event_id = '$event' AND status = 'waiting'")" -eq "$waiting" ] ||
  { echo "not everyone joined" >&2; exit 1; }

echo "cancelling $cancels orders..." >&2
timing=$(node bench/cancel_all.mjs "$ADMIT_URL" "$data/cancels" 8)
field() { sed "s/.*\"$1\":\([0-9]*\).*/\\1/" <<<"$timing"; }
elapsed_ms=$(field cancelMs) healthz_ms=$(field healthzMs)
[ "$(field failures)" -eq 0 ] || { echo "some cancellations failed: $timing" >&2; exit 1; }

offered=$(db "SELECT COUNT(*) FROM waitlist_entries WHERE event_id = '$event' AND status = 'offered'")
first_offers=$(db "SELECT COUNT(*) FROM waitlist_entries WHERE event_id = '$event' AND status = 'offered' AND seq <= $cancels")
ahead=$(db "SELECT COUNT(*) FROM waitlist_entries w WHERE event_id = '$event' AND status = 'waiting' AND seq < (SELECT MAX(seq) FROM waitlist_entries WHERE event_id = '$event' AND status = 'offered')")
counter=$(db "SELECT registered_count FROM events WHERE id = '$event'")
rows=$(db "SELECT COALESCE(SUM(quantity), 0) FROM registrations WHERE event_id = '$event' AND status IN ('pending_payment', 'confirmed', 'offered')")

echo "waiting list: $waiting waiting, $cancels cancellations"
echo "  every freed seat offered after ${elapsed_ms} ms ($(awk -v n="$cancels" -v ms="$elapsed_ms" 'BEGIN { printf "%.0f", n * 1000 / ms }') cancellations+offers/s); the same client's $cancels GET /healthz: ${healthz_ms} ms (ratio $(awk -v a="$healthz_ms" -v b="$elapsed_ms" 'BEGIN { printf "%.2f", a / b }'))"
echo "  offers: $offered, of them among the first $cancels in line: $first_offers; waiting ahead of an offer: $ahead"
echo "  seats: counter $counter, holding rows $rows, capacity $cancels"
if [ "$offered" -ne "$cancels" ] || [ "$first_offers" -ne "$cancels" ] || [ "$ahead" -ne 0 ] ||
  [ "$counter" -ne "$rows" ] || [ "$counter" -ne "$cancels" ]; then
  echo "FAILED: the offers are not exactly the first $cancels in line, or the seats disagree" >&2
  exit 1
fi
echo "  ok: exactly the first $cancels in line hold offers"

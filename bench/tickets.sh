#!/usr/bin/env bash
# Registrations-and-tickets benchmark (issue 3), all against one server on this machine:
#  1. flash sale on one free event with many distinct attendees, durable commits: confirmed
#     registrations/s, p50/p99, and the ratio to /healthz measured in the same run;
#  1b. a mixed flash sale: one event of three types (one of them small, which sells out during
#     the run), orders of one or two types with a named holder and a question answered per
#     ticket and a question per order, cycled: confirmed orders/s and the ratio to
#     /healthz, to compare with the one-type sale (1.) of the same run;
#  1c. a promo sale: the one-type sale where every other order enters a code limited to
#     $ADMIT_BENCH_PROMO_USES uses (3000 by default, used up during the run): confirmed orders/s,
#     the ratio to /healthz, and at the end the code's `uses` must equal the orders holding it;
#  2. the same sale on a smaller event until it sells out: confirmed must equal capacity;
#  3. POST /api/tickets/validate over distinct tickets: scans/s, p99;
#  4. PDF tickets rendered through GET /api/tickets/{id}/pdf: renders/s, and the server's CPU
#     per PDF (so renders per core).
# Usage: bench/tickets.sh [seconds per run, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${1:-10}
connections=${2:-64}
attendees=${ADMIT_BENCH_ATTENDEES:-2000}
data=$(mktemp -d /tmp/admit-bench.XXXXXX)
trap 'stop_admit; rm -rf "$data"' EXIT

# Cheap password hashing only so that setting up thousands of attendees is quick.
start_admit "$data" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024
json_field() { sed "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/"; }
post() { curl -sf -X POST "$ADMIT_URL$1" -H 'content-type: application/json' "${@:3}" -d "$2"; }

organizer=$(post /api/auth/signup '{"email":"org@bench.example","password":"benchmark-password","name":"Org","role":"organizer"}' | json_field accessToken)
new_event() {  # capacity, max per attendee
  post /api/events "{\"name\":\"Flash sale\",\"date\":\"2030-06-01T18:00:00Z\",\"location\":\"Arena\",\"capacity\":$1,\"maxPerAttendee\":$2}" \
    -H "authorization: Bearer $organizer" | json_field eventId
}

echo "signing up $attendees attendees..." >&2
seq 1 "$attendees" | xargs -P 8 -I{} curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"a{}@bench.example","password":"benchmark-password","name":"Attendee {}"}' |
  grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 >"$data/tokens"
[ "$(wc -l <"$data/tokens")" -eq "$attendees" ] || { echo "sign-up failed" >&2; exit 1; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
run_wrk() {  # script, url, extra env...
  local script=$1 url=$2; shift 2
  env "$@" wrk --latency -t2 -c"$connections" -d"${duration}s" -s "$script" "$url" 2>&1
}
parse() {  # wrk output -> "rps p50 p99"
  awk '/Requests\/sec/ { r = $2 } /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } END { print r, p50, p99 }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r h_rps h_p50 h_p99 _ < <(wrk_rps "$ADMIT_URL/healthz" -t2 -c"$connections" -d"${duration}s")

# 1. Throughput: an event too big to sell out during the run.
big=$(new_event 1000000 1000)
db_metrics() {
  curl -sf "$ADMIT_URL/metrics" | awk '/^admit_db_write_batches_total/ { b = $2 } /^admit_db_write_jobs_total/ { j = $2 }
    /^admit_db_writer_busy_seconds_total/ { t = $2 } /^admit_db_log_syncs_total/ { s = $2 } /^admit_db_log_sync_seconds_total/ { st = $2 }
    END { printf "%s %s %s %s %s\n", b, j, t, s + 0, st + 0 }'
}
read -r b0 j0 t0 s0 st0 < <(db_metrics)
# PERF_OUT=file records a CPU profile of the server (perf report -i file) during the flash sale,
# or with PERF_PHASE=scan during the validation run, or with PERF_PHASE=pdf while PDFs render.
profile() {
  if [ -n "${PERF_OUT:-}" ] && [ "${PERF_PHASE:-sale}" = "$1" ]; then
    perf record -e cpu-clock -g -p "$ADMIT_PID" -o "$PERF_OUT" -- sleep "$duration" >/dev/null 2>&1 &
  fi
}
profile sale
server_cpu0=$(cpu_ms "$ADMIT_PID"); wrk_cpu0=$(children_cpu_ms)
out=$(run_wrk bench/register.lua "$ADMIT_URL" ADMIT_EVENT="$big" ADMIT_TOKENS="$data/tokens" ADMIT_QR_OUT="$data/qr")
server_cpu=$(( $(cpu_ms "$ADMIT_PID") - server_cpu0 )); wrk_cpu=$(( $(children_cpu_ms) - wrk_cpu0 ))
read -r b1 j1 t1 s1 st1 < <(db_metrics)
batches=$(awk -v b="$((b1 - b0))" -v j="$((j1 - j0))" -v t="$t1" -v t0="$t0" -v s="$((s1 - s0))" -v st="$st1" -v st0="$st0" \
  'BEGIN { printf "%.1f writes per commit, writer busy %.1f s, %d log syncs (%.2f ms each)", j / b, t - t0, s, s ? 1000 * (st - st0) / s : 0 }')
read -r r_rps r_p50 r_p99 < <(parse <<<"$out")
created=$(grep -o 'created=[0-9]*' <<<"$out" | cut -d= -f2)
other=$(grep -o 'other=[0-9]*' <<<"$out" | cut -d= -f2)
count=$(curl -sf "$ADMIT_URL/api/events/$big" | grep -o '"registeredCount":[0-9]*' | cut -d: -f2)
confirmed_rps=$(awk -v c="$created" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
# CPU per confirmed registration, of the server and of the load generator on the same cores.
sale_cpu="CPU per registration: server $(per_item "$server_cpu" "$count") ms, wrk $(per_item "$wrk_cpu" "$count") ms"

# 1b. Mixed flash sale: three types, one small (500 VIP seats), orders of one to three tickets
# of one or two types, each ticket named for its holder and answering a per-ticket question, each
# order answering a per-order one. The VIP type is in one order of ten, so that the scenario
# measures selling rather than refusing once its 500 seats are gone.
# Skipped (so that bench/alternate.sh can compare) by a binary without ticket types.
m_rps=- m_p50=- m_p99=- m_created=0 m_sold_out=0 m_other=0 m_confirmed_rps=0 m_seats_rps=0 m_types="(not supported)"
if mixed=$(post /api/events '{"name":"Mixed sale","date":"2030-06-01T18:00:00Z","location":"Arena","capacity":1000000,"maxPerAttendee":1000,"ticketTypes":[{"name":"Regular","price":0},{"name":"Student","price":0,"capacity":900000},{"name":"VIP","price":0,"capacity":500}]}' \
  -H "authorization: Bearer $organizer"); then
  mixed_id=$(json_field eventId <<<"$mixed")
  type_id() { grep -o "\"ticketTypeId\":\"[^\"]*\",\"name\":\"$1\"" <<<"$mixed" | cut -d'"' -f4; }
  regular=$(type_id Regular) student=$(type_id Student) vip=$(type_id VIP)
  # The questions exist from the answers part of issue 14 on; without them the orders carry names only.
  diet=$(post "/api/events/$mixed_id/questions" '{"label":"Dietary needs","type":"select","options":["None","Vegetarian","Vegan"],"required":true,"scope":"ticket"}' \
    -H "authorization: Bearer $organizer" | json_field questionId || true)
  source_q=$(post "/api/events/$mixed_id/questions" '{"label":"How did you hear about us?","type":"text","required":false,"scope":"order"}' \
    -H "authorization: Bearer $organizer" | json_field questionId || true)
  holder() {  # name, answer
    if [[ -n $diet ]]; then echo "{\"name\":\"$1\",\"answers\":{\"$diet\":\"$2\"}}"; else echo "{\"name\":\"$1\"}"; fi
  }
  order_answers=""
  [[ -n $source_q ]] && order_answers=",\"answers\":{\"$source_q\":\"A friend\"}"
  item() { echo "{\"ticketTypeId\":\"$1\",\"quantity\":$2}"; }
  order() {  # items, holders
    echo "{\"eventId\":\"$mixed_id\",\"items\":[$1],\"attendees\":[$2]$order_answers}"
  }
  {
    for _ in 1 2 3 4; do order "$(item "$regular" 1)" "$(holder "Ada Lovelace" None)"; done
    for _ in 1 2 3; do order "$(item "$student" 1),$(item "$regular" 1)" "$(holder "Grace Hopper" Vegetarian),$(holder "Alan Turing" None)"; done
    for _ in 1 2; do order "$(item "$regular" 2)" "$(holder "Edsger Dijkstra" None),$(holder "Barbara Liskov" Vegan)"; done
    order "$(item "$vip" 1),$(item "$regular" 1)" "$(holder "Donald Knuth" None),$(holder "Frances Allen" Vegetarian)"
  } >"$data/mixed"
  out1b=$(run_wrk bench/register.lua "$ADMIT_URL" ADMIT_EVENT="$mixed_id" ADMIT_TOKENS="$data/tokens" ADMIT_BODIES="$data/mixed")
  read -r m_rps m_p50 m_p99 < <(parse <<<"$out1b")
  m_created=$(grep -o 'created=[0-9]*' <<<"$out1b" | cut -d= -f2)
  m_sold_out=$(grep -o 'sold_out=[0-9]*' <<<"$out1b" | cut -d= -f2)
  m_other=$(grep -o 'other=[0-9]*' <<<"$out1b" | cut -d= -f2)
  m_confirmed_rps=$(awk -v c="$m_created" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
  # Seats (tickets) sold per second: an order here is 1.6 tickets, the one-type sale's is one.
  m_seats=$(curl -sf "$ADMIT_URL/api/events/$mixed_id" | grep -o '"registeredCount":[0-9]*' | cut -d: -f2)
  m_seats_rps=$(awk -v c="$m_seats" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
  m_types=$(curl -sf "$ADMIT_URL/api/events/$mixed_id" | grep -o '"name":"[A-Za-z]*","description":"[^"]*","price":[0-9.]*,"capacity":[0-9a-z]*,"sold":[0-9]*' |
    sed 's/"name":"\([A-Za-z]*\)".*"sold":\([0-9]*\)/\1 \2/' | paste -sd, -)
fi

# 1c. Promo sale: half the orders enter a code with a limited number of uses (issue 15).
# Skipped by a binary without promo codes.
promo_uses=${ADMIT_BENCH_PROMO_USES:-3000}
c_rps=- c_p50=- c_p99=- c_created=0 c_refused=0 c_other=0 c_confirmed_rps=0 c_uses="(not supported)" c_holding=-
promo_event=$(new_event 1000000 1000)
if promo=$(post "/api/events/$promo_event/promo-codes" "{\"code\":\"FLASH\",\"discountPercent\":50,\"maxUses\":$promo_uses}" \
  -H "authorization: Bearer $organizer"); then
  promo_id=$(json_field promoCodeId <<<"$promo")
  printf '{"eventId":"%s"}\n{"eventId":"%s","promoCode":"flash"}\n' "$promo_event" "$promo_event" >"$data/promo"
  out1c=$(run_wrk bench/register.lua "$ADMIT_URL" ADMIT_EVENT="$promo_event" ADMIT_TOKENS="$data/tokens" ADMIT_BODIES="$data/promo")
  read -r c_rps c_p50 c_p99 < <(parse <<<"$out1c")
  c_created=$(grep -o 'created=[0-9]*' <<<"$out1c" | cut -d= -f2)
  c_refused=$(grep -o 'sold_out=[0-9]*' <<<"$out1c" | cut -d= -f2)
  c_other=$(grep -o 'other=[0-9]*' <<<"$out1c" | cut -d= -f2)
  c_confirmed_rps=$(awk -v c="$c_created" -v d="$duration" 'BEGIN { printf "%.0f", c / d }')
  c_uses=$(curl -sf "$ADMIT_URL/api/events/$promo_event/promo-codes/$promo_id" -H "authorization: Bearer $organizer" |
    grep -o '"uses":[0-9]*' | cut -d: -f2)
  # The orders holding the code, counted in the database itself (read-only, beside the server).
  c_holding=$(sqlite3 -readonly "$data/admit.db" \
    "SELECT COUNT(*) FROM registrations WHERE promo_code_id = '$promo_id' AND status IN ('pending_payment', 'confirmed')")
fi

# 2. Sell-out: more demand than seats.
capacity=20000
small=$(new_event $capacity 1000)
out2=$(run_wrk bench/register.lua "$ADMIT_URL" ADMIT_EVENT="$small" ADMIT_TOKENS="$data/tokens")
created2=$(grep -o 'created=[0-9]*' <<<"$out2" | cut -d= -f2)
sold_out2=$(grep -o 'sold_out=[0-9]*' <<<"$out2" | cut -d= -f2)
count2=$(curl -sf "$ADMIT_URL/api/events/$small" | grep -o '"registeredCount":[0-9]*' | cut -d: -f2)

# 3. Validation of distinct tickets.
cat "$data"/qr.* >"$data/codes"
# Door scanners are few and want low latency: fewer connections than the sale.
scan_connections=${ADMIT_BENCH_SCAN_CONNECTIONS:-16}
profile scan
server_cpu0=$(cpu_ms "$ADMIT_PID")
out3=$(env ADMIT_TOKEN="$organizer" ADMIT_QR_CODES="$data/codes" \
  wrk --latency -t2 -c"$scan_connections" -d"${duration}s" -s bench/validate.lua "$ADMIT_URL" 2>&1)
server_cpu=$(( $(cpu_ms "$ADMIT_PID") - server_cpu0 ))
read -r v_rps v_p50 v_p99 < <(parse <<<"$out3")
valid=$(grep -o 'valid=[0-9]*' <<<"$out3" | head -1 | cut -d= -f2)
used=$(grep -o 'already_used=[0-9]*' <<<"$out3" | head -1 | cut -d= -f2)
scans=$((valid + used))
checked=$(curl -sf "$ADMIT_URL/api/events/$big/analytics" -H "authorization: Bearer $organizer" | grep -o '"checkedIn":[0-9]*' | cut -d: -f2)

# 4. PDF rendering through HTTP (every request renders; nothing is cached).
token=$(head -1 "$data/tokens")
ticket=$(curl -sf "$ADMIT_URL/api/registrations?limit=1" -H "authorization: Bearer $token" | grep -o '"ticketId":"[^"]*"' | head -1 | cut -d'"' -f4)
url=$(curl -sf "$ADMIT_URL/api/tickets/$ticket/download" -H "authorization: Bearer $token" | json_field url)
profile pdf
server_cpu0=$(cpu_ms "$ADMIT_PID")
read -r p_rps p_p50 p_p99 _ < <(wrk_rps "$url" -t2 -c8 -d"${duration}s")
server_cpu=$(( $(cpu_ms "$ADMIT_PID") - server_cpu0 ))
# wrk reports a rate, not a count: rate × duration is the number of PDFs within a request or two.
renders=$(awk -v r="$p_rps" -v d="$duration" 'BEGIN { printf "%d", r * d }')
pdf_cpu=$(per_item "$server_cpu" "$renders")
per_core=$(awk -v ms="$pdf_cpu" 'BEGIN { printf "%d", (ms > 0 ? 1000 / ms : 0) }')
rss=$(rss_mb "$ADMIT_PID")

cat <<TABLE
| scenario | per second | p50 | p99 | check |
| --- | ---: | ---: | ---: | --- |
| GET /healthz (ceiling) | $h_rps | $h_p50 | $h_p99 | |
| flash sale, confirmed registrations | $confirmed_rps ($(ratio "$confirmed_rps" "$h_rps") of /healthz) | $r_p50 | $r_p99 | $created × 201, registeredCount $count, other $other; $batches; $sale_cpu |
| mixed flash sale (3 types, VIP 500 seats, holders and 2 questions), confirmed orders | $m_confirmed_rps ($(ratio "$m_confirmed_rps" "$h_rps") of /healthz, $(ratio "$m_confirmed_rps" "$confirmed_rps") of the one-type sale); seats $m_seats_rps ($(ratio "$m_seats_rps" "$confirmed_rps") of the one-type sale) | $m_p50 | $m_p99 | $m_created × 201, $m_sold_out × 409, other $m_other; sold per type: $m_types |
| promo sale (every other order enters a code limited to $promo_uses uses), confirmed orders | $c_confirmed_rps ($(ratio "$c_confirmed_rps" "$h_rps") of /healthz, $(ratio "$c_confirmed_rps" "$confirmed_rps") of the one-type sale) | $c_p50 | $c_p99 | $c_created × 201, $c_refused × 409 (code used up), other $c_other; code uses $c_uses, orders holding it $c_holding |
| sell-out of $capacity seats | | | | $created2 × 201, $sold_out2 × 409, registeredCount $count2 |
| POST /api/tickets/validate (-c$scan_connections) | $v_rps | $v_p50 | $v_p99 | $valid valid, $used already used (a second pass over the codes), checkedIn $checked; server CPU per scan $(per_item "$server_cpu" "$scans") ms |
| GET ticket PDF (render each time) | $p_rps | $p_p50 | $p_p99 | wrk -c8; server CPU per PDF $pdf_cpu ms, so $per_core per core |

$attendees attendees; wrk -t2 -c$connections -d${duration}s; durable commits (WAL, synced before acknowledged); RSS after: ${rss} MB; load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')
TABLE
# wrk stops counting with requests still in flight (at most one per connection), so the
# server may have confirmed up to $connections more than wrk saw; never fewer, never more seats
# than capacity.
[ "$count" -ge "$created" ] && [ "$count" -le $((created + connections)) ] && [ "$count2" -le "$capacity" ] &&
  [ "$count2" -ge "$created2" ] && [ "$count2" -le $((created2 + connections)) ] ||
  { echo "COUNTS DISAGREE: oversold or lost registrations" >&2; exit 1; }
# The code's uses are exact: never above its limit, and equal to the orders that hold it.
[ "$c_holding" = - ] || { [ "$c_uses" -eq "$c_holding" ] && [ "$c_uses" -le "$promo_uses" ]; } ||
  { echo "PROMO USES DISAGREE: uses $c_uses, orders holding the code $c_holding, limit $promo_uses" >&2; exit 1; }
# On a slow or busy machine the second sale may not sell out within the run: not a fault,
# but then the sell-out itself was not shown.
[ "$count2" -eq "$capacity" ] || echo "NOTE: the sell-out event did not sell out within ${duration}s ($count2 of $capacity seats)" >&2

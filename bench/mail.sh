#!/usr/bin/env bash
# Email under a flash sale (issue 13). A real SMTP server (npm smtp-server, discarding what it
# accepts) stands for the provider; every confirmation goes to it over STARTTLS with AUTH, with
# its PDF tickets and .ics attached, while the sale runs.
#  1. ratio: bench/tickets.sh's flash sale, OLD_BINARY then NEW_BINARY, alternating for ROUNDS
#     rounds (the sale's ratio to /healthz must not drop by more than 10 %);
#  2. drain: NEW_BINARY alone — a sale of DRAIN_SECONDS (default 5), then how long the sender takes to deliver the
#     backlog, messages per second, and the server's CPU per message.
# Usage: bench/mail.sh OLD_BINARY NEW_BINARY [rounds, default 3] [seconds, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
old=$1 new=$2 rounds=${3:-3} duration=${4:-10} connections=${5:-64}

peer_out=$(mktemp)
node tests/api/support/smtp_peer.mjs --discard >"$peer_out" &
peer_pid=$!
data=$(mktemp -d /tmp/admit-bench-mail.XXXXXX)
trap 'stop_admit 2>/dev/null || true; kill "$peer_pid" 2>/dev/null || true; rm -rf "$data" "$peer_out"' EXIT
for _ in $(seq 1 200); do [ -s "$peer_out" ] && break; sleep 0.05; done
smtp_url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$peer_out" | head -1)
ca_file=$(sed -n 's/.*"caFile":"\([^"]*\)".*/\1/p' "$peer_out" | head -1)
[ -n "$smtp_url" ] || { echo "the SMTP peer did not start" >&2; exit 1; }
# The sale's attendees each buy many times in seconds: lift the per-address caps so that every
# confirmation is really composed and delivered (a cap would drop most of them unsent).
export ADMIT_SMTP_URL=$smtp_url ADMIT_SMTP_CA_FILE=$ca_file ADMIT_MAIL_FROM='Admit <tickets@bench.example>' \
  ADMIT_MAIL_CAP_PER_HOUR=100000000 ADMIT_MAIL_CAP_PER_DAY=100000000

echo "| round | binary | flash sale (confirmed/s, ratio to /healthz, p50, p99, check) |"
echo "| --- | --- | --- |"
for round in $(seq 1 "$rounds"); do
  for label in old new; do
    binary=$old
    [ "$label" = new ] && binary=$new
    out=$(ADMIT_BIN=$binary bash bench/tickets.sh "$duration" "$connections" 2>&1) || { echo "$out" >&2; exit 1; }
    line=$(grep '^| flash sale' <<<"$out") || { echo "$out" >&2; exit 1; }
    echo "| $round | $label | ${line#| flash sale, confirmed registrations | }"
  done
done

# 2. Drain.
ADMIT_BIN=$new
start_admit "$data" ADMIT_RATE_LIMIT=100000000 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024
json_field() { sed "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/"; }
post() { curl -sf -X POST "$ADMIT_URL$1" -H 'content-type: application/json' "${@:3}" -d "$2"; }
organizer=$(post /api/auth/signup '{"email":"org@bench.example","password":"benchmark-password","name":"Org","role":"organizer"}' | json_field accessToken)
seq 1 500 | xargs -P 8 -I{} curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"d{}@bench.example","password":"benchmark-password","name":"Attendee {}"}' |
  grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 >"$data/tokens"
event=$(post /api/events '{"name":"東京ジャズ・ナイト","date":"2030-06-01T18:00:00Z","location":"Arena","capacity":1000000,"maxPerAttendee":1000}' \
  -H "authorization: Bearer $organizer" | json_field eventId)
mail_metric() {  # sent, backlog
  curl -sf "$ADMIT_URL/metrics" | awk '/^admit_mail_messages_total\{outcome="sent"\}/ { s = $2 }
    /^admit_mail_outbox_backlog/ { b += $2 } END { printf "%d %d\n", s, b }'
}
# Sign-up's verification messages go first, so that what follows counts the sale's alone.
while read -r _ backlog < <(mail_metric) && [ "$backlog" -gt 0 ]; do sleep 0.2; done
read -r sent0 _ < <(mail_metric)
cpu0=$(cpu_ms "$ADMIT_PID")
drain_sale=${DRAIN_SECONDS:-5}
ADMIT_EVENT=$event ADMIT_TOKENS=$data/tokens wrk -t2 -c"$connections" -d"${drain_sale}s" -s bench/register.lua \
  "$ADMIT_URL" >/dev/null 2>&1
sale_end=$(date +%s%N)
read -r sent_sale backlog_sale < <(mail_metric)
count=$(curl -sf "$ADMIT_URL/api/events/$event" | grep -o '"registeredCount":[0-9]*' | cut -d: -f2)
while :; do
  read -r sent backlog < <(mail_metric)
  [ "$backlog" -eq 0 ] && break
  sleep 0.2
done
drained=$(date +%s%N)
cpu=$(( $(cpu_ms "$ADMIT_PID") - cpu0 ))
drain_s=$(awk -v a="$sale_end" -v b="$drained" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
total=$((sent - sent0))
echo
echo "| drain | value |"
echo "| --- | --- |"
echo "| registrations confirmed in the ${drain_sale}s sale | $count |"
echo "| confirmations delivered during the sale | $((sent_sale - sent0)) |"
echo "| backlog when the sale ended | $backlog_sale |"
echo "| time from the sale's end to an empty outbox | ${drain_s} s |"
echo "| delivered in all | $total ($(awk -v n="$total" -v c="$count" 'BEGIN { printf "%s", (n == c ? "one per registration" : "MISMATCH") }')) |"
echo "| messages per second after the sale (composed with PDFs + .ics, STARTTLS, AUTH) | $(awk -v n="$((sent - sent_sale))" -v s="$drain_s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }') |"
echo "| server CPU per registration incl. its message (sale + drain) | $(per_item "$cpu" "$count") ms |"
echo
echo "SMTP peer: $smtp_url (discarding); $(date -u '+%F %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# What checking every access token against its account costs: GET /api/me and
# GET /api/registrations, each request with the next of many accounts' tokens, beside /healthz in
# the same run. Give two binaries to compare them in one sitting, alternating (A B A B).
# Usage: bench/auth.sh [seconds, default 10] [connections, default 64] [binary…]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

duration=${1:-10}
connections=${2:-64}
shift $(( $# < 2 ? $# : 2 ))
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=("$ADMIT_BIN")
accounts=${ADMIT_BENCH_ACCOUNTS:-2000}

run_one() {  # binary
  local data
  data=$(mktemp -d /tmp/admit-bench-auth.XXXXXX)
  ADMIT_BIN=$1 start_admit "$data" ADMIT_RATE_LIMIT=0 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024
  seq 1 "$accounts" | xargs -P 8 -I{} curl -sf -X POST "$ADMIT_URL/api/auth/signup" -H 'content-type: application/json' \
    -d '{"email":"a{}@bench.example","password":"benchmark-password","name":"Account {}"}' |
    grep -o '"accessToken":"[^"]*"' | cut -d'"' -f4 >"$data/tokens"
  read -r h _ h99 _ < <(wrk_rps "$ADMIT_URL/healthz" -t2 -c"$connections" -d"${duration}s")
  local out me me99 regs regs99
  out=$(env ADMIT_TOKENS="$data/tokens" ADMIT_PATH=/api/me wrk --latency -t2 -c"$connections" -d"${duration}s" -s bench/authed_get.lua "$ADMIT_URL" 2>&1)
  me=$(awk '/Requests\/sec/ { print $2 }' <<<"$out"); me99=$(awk '/^ +99%/ { print $2 }' <<<"$out")
  local bad1; bad1=$(awk '/^non-200/ { print $2 }' <<<"$out")
  out=$(env ADMIT_TOKENS="$data/tokens" ADMIT_PATH='/api/registrations?limit=1' wrk --latency -t2 -c"$connections" -d"${duration}s" -s bench/authed_get.lua "$ADMIT_URL" 2>&1)
  regs=$(awk '/Requests\/sec/ { print $2 }' <<<"$out"); regs99=$(awk '/^ +99%/ { print $2 }' <<<"$out")
  local bad2; bad2=$(awk '/^non-200/ { print $2 }' <<<"$out")
  printf '%-40s healthz %9s/s (p99 %s) | GET /api/me %9s/s (p99 %s, non-200 %s) | GET /api/registrations %9s/s (p99 %s, non-200 %s) | me/healthz %s\n' \
    "$1" "$h" "$h99" "$me" "$me99" "$bad1" "$regs" "$regs99" "$bad2" "$(awk -v a="$me" -v b="$h" 'BEGIN { printf "%.2f", a / b }')"
  stop_admit
  rm -rf "$data"
}

echo "$(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg); $accounts accounts, wrk -t2 -c$connections -d${duration}s"
for bin in "${binaries[@]}"; do run_one "$bin"; done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

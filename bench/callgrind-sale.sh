#!/usr/bin/env bash
# Instructions the server spends per registration, counted by callgrind (repeatable whatever
# else the machine does): N attendees sign up, the counters are zeroed, each registers once for
# a free event (16 at a time), and the counters are dumped to OUT.<pid>.1 ("summary:" / N).
# usage: [MIXED=1] bench/callgrind-sale.sh BINARY OUT N  (MIXED=1: the mixed sale of bench/tickets.sh)
set -euo pipefail
bin=$1; out=$2; n=$3
data=$(mktemp -d /tmp/cg.XXXXXX)
env ADMIT_LISTEN=127.0.0.1:0 ADMIT_DATA_DIR=$data ADMIT_LOG_LEVEL=warn ADMIT_RATE_LIMIT=0 ADMIT_RATE_LIMIT_AUTH=0 ADMIT_ARGON2_MEMORY_KIB=1024 \
  valgrind --tool=callgrind --callgrind-out-file=$out.%p --dump-instr=no $bin serve > $data/log 2>&1 &
vpid=$!
for _ in $(seq 1 600); do grep -q 'listening on' $data/log && break; sleep 0.1; done
url=$(grep -o 'listening on http://[0-9.:]*' $data/log | head -1 | sed 's/listening on //')
node "$(dirname "$0")/callgrind_sale.mjs" "$url" "$vpid" "$n"
kill -TERM $vpid; wait $vpid || true
rm -rf $data

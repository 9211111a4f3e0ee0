# Shared helpers for the benchmark scripts: start admit on a free port, wait until ready,
# run wrk, stop by PID.

ADMIT_BIN=${ADMIT_BIN:-build/release/src/admit}

# start_admit DATA_DIR [extra env...]: sets ADMIT_PID, ADMIT_URL, STARTUP_MS.
start_admit() {
  local data_dir=$1; shift
  local log="$data_dir/server.log"
  mkdir -p "$data_dir"
  local start_ns end_ns
  start_ns=$(date +%s%N)
  env ADMIT_LISTEN=127.0.0.1:0 ADMIT_DATA_DIR="$data_dir" ADMIT_LOG_LEVEL=warn "$@" \
    "$ADMIT_BIN" serve >"$log" 2>&1 &
  ADMIT_PID=$!
  for _ in $(seq 1 5000); do
    if grep -q 'listening on' "$log" 2>/dev/null; then break; fi
    sleep 0.001
  done
  end_ns=$(date +%s%N)
  ADMIT_URL=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -1 | sed 's/listening on //')
  [ -n "$ADMIT_URL" ] || { echo "admit did not start:" >&2; cat "$log" >&2; return 1; }
  STARTUP_MS=$(( (end_ns - start_ns) / 1000000 ))
}

stop_admit() {
  if [ -n "${ADMIT_PID:-}" ]; then
    kill -TERM "$ADMIT_PID" 2>/dev/null || true
    wait "$ADMIT_PID" 2>/dev/null || true
    ADMIT_PID=
  fi
}

rss_mb() {
  awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# wrk_rps URL [wrk args...]: prints "requests/s p50_ms p99_ms"
wrk_rps() {
  local url=$1; shift
  wrk --latency "$@" "$url" 2>&1 | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
    /Non-2xx/ { errors = $4 }
    END {
      printf "%s %s %s %s\n", rps, p50, p99, (errors == "" ? 0 : errors)
    }'
}

# cpu_ms PID...: CPU time (user + system, in ms) these processes have used so far, with the
# children each has reaped (a PostgreSQL server's exited workers count with the postmaster).
# The difference of two readings is what the processes used in between.
cpu_ms() {
  local ticks=0 pid hz
  hz=$(getconf CLK_TCK)
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    # Fields after "pid (comm) ": utime, stime, cutime and cstime are the 12th to the 15th.
    ticks=$((ticks + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 + $14 + $15 }')))
  done
  echo $((ticks * 1000 / hz))
}

# children_cpu_ms: CPU time (ms) of this shell's reaped children so far (wrk after it exits).
children_cpu_ms() {
  local hz
  hz=$(getconf CLK_TCK)
  sed 's/^.*) //' "/proc/$$/stat" | awk -v hz="$hz" '{ printf "%d\n", ($14 + $15) * 1000 / hz }'
}

# per_item MS COUNT: milliseconds per item, three decimals.
per_item() {
  awk -v ms="$1" -v n="$2" 'BEGIN { printf "%.3f", (n > 0 ? ms / n : 0) }'
}

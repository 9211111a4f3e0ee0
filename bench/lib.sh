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

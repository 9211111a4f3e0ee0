#!/usr/bin/env bash
# Runs the Stripe provider tests against Prism serving Stripe's own API description
# (../shared/stripe/stripe-lite.json), which answers 422 to any request off Stripe's schema.
# Usage: run_with_prism.sh path/to/stripe_tests repo-root [gtest arguments…]
# Exits 77 (the test's SKIP_RETURN_CODE, so CTest shows it as skipped, not passed) when the
# suite cannot run here: Stripe's API description, Prism or Node is absent.
set -euo pipefail

tests=${1:?usage: run_with_prism.sh path/to/stripe_tests repo-root}
root=${2:?usage: run_with_prism.sh path/to/stripe_tests repo-root}
shift 2

skip() {
  echo "SKIP: $*"
  exit 77
}
spec=$root/../shared/stripe/stripe-lite.json
[ -f "$spec" ] || skip "$spec is absent (Stripe's API description is not in this checkout)"
prism=$root/tests/node/node_modules/.bin/prism
[ -e "$prism" ] || skip "Prism is missing: run npm ci --prefix tests/node"
command -v node >/dev/null || skip "node is not installed (bash scripts/install-deps.sh)"

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
log=$(mktemp)
prism_pid=
cleanup() {
  if [ -n "$prism_pid" ] && kill -0 "$prism_pid" 2>/dev/null; then
    kill "$prism_pid" 2>/dev/null || true
    wait "$prism_pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT

# node itself, not npx or a shell, so that the recorded PID is the process to stop.
node "$prism" mock -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
prism_pid=$!

url=http://127.0.0.1:$port
for ((i = 0; i < 300; i++)); do
  if curl -s -o /dev/null --max-time 1 "$url/v1/payment_intents/pi_ready"; then break; fi
  if ! kill -0 "$prism_pid" 2>/dev/null; then
    echo "FAIL: Prism exited during start-up:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! curl -s -o /dev/null --max-time 1 "$url/v1/payment_intents/pi_ready"; then
  echo "FAIL: Prism did not answer on $url within 30 s:" >&2
  cat "$log" >&2
  exit 1
fi

status=0
STRIPE_MOCK_URL=$url "$tests" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- Prism log ---" >&2
  tail -n 50 "$log" >&2
fi
exit "$status"

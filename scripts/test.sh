#!/usr/bin/env bash
# Installs what is missing, builds Admit twice (optimised, and with address + undefined
# behaviour sanitizers) and runs every test suite: unit, store contract, black-box HTTP,
# PDF/QR peers, Stripe against Prism, OpenAPI lint, and the web app (Vitest, then
# end-to-end in Chromium against the real server).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

if [ -f web/package.json ]; then
  echo "=== web: unit tests and build" >&2
  npm ci --prefix web --no-audit --no-fund --loglevel=error
  npm --prefix web run lint
  npm --prefix web run test
  npm --prefix web run build
fi

jobs=$(nproc)
for preset in release asan; do
  echo "=== $preset: build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -- -j"$jobs"
  echo "=== $preset: test" >&2
  ctest --preset "$preset" -j"$jobs"
  if [ "$preset" = release ] && [ -f web/package.json ]; then
    echo "=== web: end-to-end in Chromium against the release build" >&2
    ADMIT_BIN="$PWD/build/release/src/admit" npm --prefix web run e2e
  fi
done
echo "=== all tests passed" >&2

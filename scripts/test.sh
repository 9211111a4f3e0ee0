#!/usr/bin/env bash
# Installs what is missing, builds Admit twice (optimised, and with address + undefined
# behaviour sanitizers) and runs every test suite against each build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

jobs=$(nproc)
for preset in release asan; do
  echo "=== $preset: build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -- -j"$jobs"
  echo "=== $preset: test" >&2
  ctest --preset "$preset" -j"$jobs"
done
echo "=== all tests passed" >&2

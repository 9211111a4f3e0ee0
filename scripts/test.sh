#!/usr/bin/env bash
# Installs what is missing, builds Admit twice (optimised, and with address + undefined
# behaviour sanitizers) and runs every test suite: unit, store contract, black-box HTTP (on
# SQLite and on PostgreSQL), several nodes behind HAProxy, the deployment files (alert rules under
# promtool and Prometheus, the systemd unit, the nginx site), PDF/QR peers, Stripe against Prism,
# OpenAPI lint, and the web app (Vitest, then end-to-end in Chromium against the real server).
# Gates first, fastest first: C++ formatting (clang-format 14), the web app's API types against
# src/api/openapi.json, ESLint and Prettier; clang-tidy over src/ once, after the builds.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "=== gate: clang-format 14 over every tracked C++ file" >&2
bash scripts/check-format.sh
npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

if [ -f web/package.json ]; then
  echo "=== web: API types, lint (ESLint, Prettier), unit tests and build" >&2
  npm ci --prefix web --no-audit --no-fund --loglevel=error
  bash scripts/check-api-types.sh
  npm --prefix web run lint
  npm --prefix web run test
  npm --prefix web run build
fi

# One throwaway PostgreSQL server for the whole run: the black-box suite runs a second time with
# every server on it (api_blackbox_postgres, one database per server). The multi-node suite
# (ctest `cluster`) starts its own, since it restarts PostgreSQL on purpose.
pg_dir=$(mktemp -d /tmp/admit-test-pg.XXXXXX)
stop_pg() { bash scripts/pg-server.sh stop "$pg_dir" || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
trap 'exit 143' TERM INT
ADMIT_TEST_DATABASE_URL=$(bash scripts/pg-server.sh start "$pg_dir")
export ADMIT_TEST_DATABASE_URL

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
    echo "=== web: issue 15's walk in Chromium (codes, waiting list, partial cancel, comps)" >&2
    ADMIT_BIN="$PWD/build/release/src/admit" node web/e2e/issue15.mjs
    echo "=== web: external sign-in in Chromium through oidc-provider" >&2
    ADMIT_BIN="$PWD/build/release/src/admit" node web/e2e/oidc.mjs
  fi
done
echo "=== gate: clang-tidy-19 over src/ (once per run, with the release preset's compile commands)" >&2
bash scripts/tidy.sh
echo "=== all tests passed" >&2

#!/usr/bin/env bash
# Runs the multi-node suite: each test file starts its own cluster with scripts/cluster.sh
# (PostgreSQL in a temp dir, several `admit serve` nodes, HAProxy in front) and stops it.
# usage: tests/cluster/run.sh <path to the admit binary>
# Needs root (PostgreSQL runs as the postgres user via runuser), haproxy, Node >= 20 and
# `npm ci --prefix tests/node` (for the stripe SDK that signs webhooks).
set -euo pipefail
if [[ $# -lt 1 || ! -x "$1" ]]; then
  echo "usage: $0 <admit binary>" >&2
  exit 2
fi
for tool in haproxy runuser psql; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is missing (bash scripts/install-deps.sh)" >&2; exit 1; }
done
ADMIT_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
export ADMIT_BIN
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec node --test --test-concurrency=1 tests/cluster/

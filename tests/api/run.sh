#!/usr/bin/env bash
# Runs the black-box HTTP test suite against an admit binary.
# usage: tests/api/run.sh <path to the admit binary>
# Needs Node >= 20 and `npm ci --prefix tests/node` (for jose).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <admit binary>" >&2
  exit 2
fi

bin="$1"
if [[ ! -x "$bin" ]]; then
  echo "$0: $bin is not an executable file" >&2
  exit 2
fi
ADMIT_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export ADMIT_BIN

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec node --test --test-concurrency=1 tests/api/

#!/usr/bin/env bash
# Runs one deployment test file against an admit binary, on SQLite.
# usage: tests/deploy/run.sh <admit binary> <file.test.mjs> [tool…]
# Exits 77 (CTest's SKIP_RETURN_CODE) when a tool the file needs is missing, so CTest reports
# the suite as skipped, never as passed; `bash scripts/install-deps.sh` installs them all.
set -euo pipefail
if [[ $# -lt 2 || ! -x "$1" ]]; then
  echo "usage: $0 <admit binary> <file.test.mjs> [tool…]" >&2
  exit 2
fi
ADMIT_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
export ADMIT_BIN
file=$2
shift 2
for tool in "$@"; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "$0: $tool is missing (bash scripts/install-deps.sh); skipping $(basename "$file")" >&2
    exit 77
  fi
done
unset ADMIT_TEST_DATABASE_URL
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec node --test --test-concurrency=1 "tests/deploy/$(basename "$file")"

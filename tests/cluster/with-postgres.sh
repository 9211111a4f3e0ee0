#!/usr/bin/env bash
# Runs a command with ADMIT_TEST_DATABASE_URL naming a PostgreSQL server whose role may create
# databases: the one already in the environment (scripts/test.sh starts one for the whole run),
# or a throwaway server started here with scripts/pg-server.sh and stopped when the command ends.
#   usage: tests/cluster/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -n "${ADMIT_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi
dir=$(mktemp -d /tmp/admit-pg.XXXXXX)
cleanup() {
  bash "$repo/scripts/pg-server.sh" stop "$dir" || true
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
ADMIT_TEST_DATABASE_URL=$(bash "$repo/scripts/pg-server.sh" start "$dir")
export ADMIT_TEST_DATABASE_URL
"$@"

#!/usr/bin/env bash
# Lints Admit's OpenAPI document (src/api/openapi.json) with Redocly CLI, using the rules in
# tests/node/redocly.yaml. Exits non-zero when the linter reports an error.
# Usage: tests/api/openapi_lint.sh <repo root>   (run `npm ci` in tests/node first)
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <repo root>" >&2
  exit 2
fi

root=$(cd "$1" && pwd)
document="$root/src/api/openapi.json"
node_dir="$root/tests/node"

if [[ ! -f "$document" ]]; then
  echo "openapi_lint: $document not found" >&2
  exit 1
fi
if [[ ! -x "$node_dir/node_modules/.bin/redocly" ]]; then
  echo "openapi_lint: @redocly/cli is not installed; run 'npm ci' in $node_dir" >&2
  exit 1
fi

cd "$node_dir"
# No telemetry, no update check: the tests must not call out to the network.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
npx --no-install redocly lint --config "$node_dir/redocly.yaml" --format=stylish "$document"

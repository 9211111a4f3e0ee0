#!/usr/bin/env bash
# Fails when the web app's API types (web/src/api/schema.d.ts) are not what openapi-typescript
# makes of src/api/openapi.json today. Needs web/node_modules (npm ci --prefix web).
set -euo pipefail
cd "$(dirname "$0")/.."
generated=$(mktemp /tmp/admit-schema.XXXXXX.d.ts)
trap 'rm -f "$generated"' EXIT
(cd web && npx --no-install openapi-typescript ../src/api/openapi.json -o "$generated" --silent)
if ! diff -u web/src/api/schema.d.ts "$generated" >&2; then
  echo "check-api-types: web/src/api/schema.d.ts is out of date with src/api/openapi.json;" \
    "regenerate it with \`npm --prefix web run gen:api\` and commit it" >&2
  exit 1
fi

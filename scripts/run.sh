#!/usr/bin/env bash
# Installs what is missing, builds Admit and its web app, loads the demo data once and serves
# on http://127.0.0.1:8080 with the embedded SQLite database in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
if [ -f web/package.json ]; then
  npm ci --prefix web --no-audit --no-fund --loglevel=error
  npm --prefix web run build
fi
cmake --preset release >/dev/null
cmake --build --preset release --target admit

bin=build/release/src/admit
"$bin" demo
if [ -z "${ADMIT_SMTP_URL:-}" ]; then
  echo "run: no ADMIT_SMTP_URL, so every message (confirmations with the PDF tickets, password" \
    "resets, …) is written as an .eml file under ${ADMIT_DATA_DIR:-./data}/mail/ — open one in any mail program" >&2
fi
exec "$bin" serve "$@"

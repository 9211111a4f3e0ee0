#!/usr/bin/env bash
# Installs what is missing, builds Admit, loads the demo data once and serves on
# http://127.0.0.1:8080 with the embedded SQLite database in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target admit

bin=build/release/src/admit
"$bin" demo
exec "$bin" serve "$@"

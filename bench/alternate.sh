#!/usr/bin/env bash
# Compares two release binaries the way DEVELOPERS.md asks ("Speed, measured honestly"): the
# ticket and platform benchmarks, old then new, alternating, for several rounds in one sitting.
# Usage: bench/alternate.sh OLD_BINARY NEW_BINARY [rounds, default 3] [seconds, default 10] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2 rounds=${3:-3} seconds=${4:-10} connections=${5:-64}
for round in $(seq 1 "$rounds"); do
  for script in tickets platform; do
    for label in old new; do
      binary=$old
      [ "$label" = new ] && binary=$new
      echo "=== round $round, $label, $script.sh, $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
      ADMIT_BIN=$binary bash "bench/$script.sh" "$seconds" "$connections" 2>&1 | grep '^|'
    done
  done
done

#!/usr/bin/env bash
# clang-tidy (Debian's clang-tidy-19) with the repo's .clang-tidy over every .cpp in src/, with
# the release preset's compile commands (and its layer views, see cmake/layer.cmake). Prints the
# findings and a count per check, and fails on any. About 8 minutes on 2 idle cores, so CI runs
# it once per run (scripts/test.sh), not per build preset.
set -euo pipefail
cd "$(dirname "$0")/.."
# compile_commands.json and the layer views come from configuring; no build is needed.
[ -f build/release/compile_commands.json ] || cmake --preset release >/dev/null

out=$(mktemp /tmp/admit-tidy.XXXXXX)
trap 'rm -f "$out"' EXIT
status=0
run-clang-tidy-19 -p build/release -j"$(nproc)" -quiet "^$PWD/src/.*\.cpp$" >"$out" 2>&1 || status=$?

# A header's finding shows once per file that includes it: count each place once.
findings=$(grep -E '^/.*: (warning|error): .*\[[A-Za-z0-9.,_-]+\]$' "$out" | sort -u || true)
if [ "$status" -ne 0 ] || [ -n "$findings" ]; then
  grep -vE '^\[ *[0-9]+/[0-9]+\]|^Running clang-tidy|^[0-9]+ (warning|error)s? (generated|treated)' "$out" >&2 || true
  echo "tidy: findings (each place once), by check:" >&2
  grep -oE '\[[A-Za-z0-9.,_-]+\]$' <<<"$findings" | sed 's/,-warnings-as-errors//' | sort | uniq -c | sort -rn >&2 || true
  echo "tidy: fix them, or for a false positive write NOLINTNEXTLINE(<check>) with the reason" >&2
  exit 1
fi
echo "tidy: no findings" >&2

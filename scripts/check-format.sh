#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format 14 (the repo's .clang-format)
# makes of it, and prints each difference. Fix: `git clang-format` before a commit formats the
# lines it changes; `clang-format-14 -i <file>` a whole file.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! git ls-files -z '*.cpp' '*.hpp' '*.h' '*.cc' | xargs -0 -r clang-format-14 --dry-run --Werror; then
  echo "check-format: the files above are not formatted with clang-format 14" >&2
  exit 1
fi

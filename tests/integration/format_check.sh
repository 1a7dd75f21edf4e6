#!/usr/bin/env bash
# Every C++ file git tracks is as clang-format (the repo's .clang-format) would write it.
# Prints the files that are not and exits 1; `make format` fixes them.
set -uo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
bad=$(clang-format --dry-run -Werror "${files[@]}" 2>&1 | grep -E ':[0-9]+:[0-9]+: error' | cut -d: -f1 | sort -u)
if [ -n "$bad" ]; then
  echo "not formatted (run make format):"
  echo "$bad"
  exit 1
fi
echo "ok   ${#files[@]} C++ files formatted"

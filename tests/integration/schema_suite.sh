#!/usr/bin/env bash
# The argument validator on Debian's JSON-Schema-Test-Suite (draft 7): it must get through
# every file without crashing and keep the pass count docs/plugins.md reports.
# Usage: schema_suite.sh MCPRT_SCHEMA_SUITE_BIN
set -euo pipefail
want=393
out=$("$1")
total=$(grep '^| \*\*all\*\*' <<<"$out")
echo "$total"
passed=$(awk -F'|' '{print $4 + 0}' <<<"$total")
if [ "$passed" -lt "$want" ]; then
  echo "FAIL: mcprt's validator gets $passed suite cases right, docs/plugins.md says $want" >&2
  echo "$out" >&2
  exit 1
fi
echo "schema suite: mcprt $passed (at least $want)"

#!/usr/bin/env bash
# The 0.2.0-alpha.12 conformance suite (package alias conformance-next) against mcprt: the
# frozen 2025-11-25 and 2026-07-28 server requirement sets. Every scored scenario must pass;
# the suite's own "not scored" ones are reported, except the tasks extension and SEP-2243's
# custom headers, which mcprt implements and so must pass.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$1
start_server "$bin" --set plugins.enabled=demo,ticker,conformance
suite=$INTEROP_DIR/node_modules/conformance-next/dist/index.js
out=$(mktemp -d)
status=0
for requirements in 2025-11-25 2026-07-28; do
  log=$out/$requirements.log
  if ! "$NODE22" "$suite" server --url "$SERVER_URL" --requirements "$requirements" -o "$out" >"$log" 2>&1; then
    echo "FAIL the suite exited non-zero for $requirements"
    status=1
  fi
  # Scenarios that failed, and those the suite does not score.
  failed=$(awk '/^Not scored/ {exit} /^✗/ {print $2}' "$log" | tr -d ':' | sort -u)
  unscored=$(awk '/^Not scored/ {on=1; next} on && /✗/ {print $2}' "$log" | sort -u)
  scored_failures=$(comm -23 <(echo "$failed") <(echo "$unscored") | sed '/^$/d')
  grep -E '^Total' "$log" | tail -1 | sed "s/^/$requirements: /"
  if [ -n "$scored_failures" ]; then
    echo "FAIL scored scenarios failing for $requirements: $scored_failures"
    sed -n '/^Not scored/,$p' "$log"
    status=1
  else
    echo "ok   every scored $requirements scenario passes"
  fi
  [ -z "$unscored" ] || echo "     not scored, failing: $(echo $unscored)"
  # Not scored by the suite, but implemented by mcprt: they must pass.
  if must_pass=$(grep -E '^(tasks-|http-custom-header-server-validation)' <<<"$unscored"); then
    echo "FAIL scenarios mcprt implements failing for $requirements: $(echo $must_pass)"
    status=1
  fi
done
rm -rf "$out"
exit $status

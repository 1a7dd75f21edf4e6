#!/usr/bin/env bash
# The fan-out path's prefetches are in the binary. GCC 12 once deleted every call to a function
# that held only prefetches (runtime/io/prefetch.hpp says why its helpers are always inlined):
# each subscriber's lines were then fetched on first touch again, and nothing else noticed (the
# tests passed, the gate's instruction count fell). This reads BINARY's disassembly and checks
# that each function the fan-out relies on to ask ahead holds at least one prefetch.
# Usage: prefetch_emitted.sh BINARY
set -euo pipefail
binary=${1:?usage: prefetch_emitted.sh BINARY}

# Function names (demangled, as extended regular expressions): every function of the binary
# that one matches must prefetch, and each must match at least one function.
patterns=(
  'mcprt::io::offer_each\('                                  # the publish loop (notifier shard)
  'mcprt::transport::wake_batch::drain\('                    # an I/O thread's drain
  'websocket_session<.*>::warm\(\) const$'                   # a WebSocket connection's lines
  'websocket_session<.*>::warm_parts\(\) const$'             # ... its outbox and control frames
  'http_session<.*>::warm\(\) const$'                        # an SSE stream's lines
  'http_session<.*>::warm_parts\(\) const$'                  # ... its pump and buffers
)

listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
# One line per function: its name, then how many prefetch instructions it holds.
objdump -d --no-show-raw-insn -C "$binary" | awk '
  /^[0-9a-f]+ <.*>:$/ {
    if (name != "") print count "\t" name
    name = substr($0, index($0, "<") + 1); sub(/>:$/, "", name); count = 0; next
  }
  /\t(prefetch|prfm)/ { ++count }  # x86-64, AArch64
  END { if (name != "") print count "\t" name }' >"$listing"

failed=0
for p in "${patterns[@]}"; do
  found=$(awk -F'\t' -v p="$p" '$2 ~ p' "$listing")
  if [[ -z $found ]]; then
    echo "FAIL no function matches /$p/ in $binary (an empty one may be folded into another)"
    failed=1
    continue
  fi
  while IFS=$'\t' read -r count name; do
    if ((count == 0)); then
      echo "FAIL no prefetch in $name"
      failed=1
    else
      echo "ok   $count prefetch(es) in $name"
    fi
  done <<<"$found"
done
exit "$failed"

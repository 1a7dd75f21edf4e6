#!/usr/bin/env bash
# The regression gate: each workload of mcprt-gate-work runs under callgrind (collection only
# around its repetitions), and its instructions per operation are compared with
# benches/gate/baseline.txt. More than +10% on any workload fails; the table says by how much.
# Instruction counts do not move with the machine's load, so the gate cannot pass or fail by
# luck; timings on these machines move by a third between runs.
# Usage: benches/gate/run_gate.sh BUILD_DIR [--update] [--slowdown F]
#   --update     write the counts of this build as the new baseline (commit it with the change
#                that earns it, saying why)
#   --slowdown F run every workload a fraction F slower (the gate's own test)
# Env: GATE_TOLERANCE (0.10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shift
update=0
slowdown=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --update) update=1 ;;
    --slowdown) slowdown=(--slowdown "$2"); shift ;;
    *) echo "run_gate.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
baseline=$here/baseline.txt
tolerance=${GATE_TOLERANCE:-0.10}
command -v valgrind >/dev/null || { echo "run_gate.sh: valgrind is not installed (make test-deps)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Workloads and their repetitions: enough that per-operation noise (allocator state) is far
# below the tolerance, few enough that the three run in well under a minute.
workloads=("tools_call 2000" "fanout 40" "schema 4000")

declare -A counted
for entry in "${workloads[@]}"; do
  read -r name n <<<"$entry"
  valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$work/$name.out" \
    "$build/mcprt-gate-work" "$name" "$n" "${slowdown[@]}" 2>"$work/$name.log" ||
    { cat "$work/$name.log" >&2; exit 1; }
  ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$work/$name.out")
  counted[$name]=$(awk -v ir="$ir" -v n="$n" 'BEGIN {printf "%.0f", ir / n}')
done

if [[ $update == 1 ]]; then
  {
    echo "# Instructions per operation of benches/gate/gate_work.cpp's workloads (callgrind Ir)."
    echo "# Written by: bash benches/gate/run_gate.sh build --update"
    for entry in "${workloads[@]}"; do
      read -r name _ <<<"$entry"
      echo "$name ${counted[$name]}"
    done
  } >"$baseline"
  echo "baseline written: $baseline"
  cat "$baseline"
  exit 0
fi

failed=0
printf '%-12s %14s %14s %8s\n' workload baseline this-build change
for entry in "${workloads[@]}"; do
  read -r name _ <<<"$entry"
  base=$(awk -v n="$name" '$1 == n {print $2}' "$baseline")
  if [[ -z $base ]]; then
    echo "run_gate.sh: $name has no baseline (run with --update)" >&2
    failed=1
    continue
  fi
  now=${counted[$name]}
  verdict=$(awk -v b="$base" -v c="$now" -v t="$tolerance" \
    'BEGIN {d = (c - b) / b; printf "%+.1f%% %s", d * 100, (d > t ? "FAIL" : (d < -t ? "faster: update the baseline" : "ok"))}')
  printf '%-12s %14s %14s %s\n' "$name" "$base" "$now" "$verdict"
  [[ $verdict == *FAIL* ]] && failed=1
done
if [[ $failed == 1 ]]; then
  echo "bench-gate: instructions per operation grew past +$(awk -v t="$tolerance" 'BEGIN {print t * 100}')% of benches/gate/baseline.txt" >&2
  exit 1
fi
echo "bench-gate: ok"

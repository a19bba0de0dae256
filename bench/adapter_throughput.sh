#!/usr/bin/env bash
# Cases per second through the Python adapter helper, against the built-in reference for
# comparison (the difference is the cost of the protocol and of Python).
#   bash bench/adapter_throughput.sh [CASES] [extra gradfuzz check options...]
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-500}
shift || true
gradfuzz=${GRADFUZZ:-build/gradfuzz}
run() {
  local start end
  start=$(date +%s.%N)
  "$gradfuzz" check "$@" --cases "$cases" --seed 1 --quiet "${extra[@]}" >/dev/null
  end=$(date +%s.%N)
  awk -v n="$cases" -v s="$start" -v e="$end" 'BEGIN { printf "%8.0f cases/s  (%d cases in %.2f s)", n / (e - s), n, e - s }'
}
extra=("$@")
echo "$(run --adapter '/usr/bin/python3 adapters/python/examples/course_numpy.py')  Python helper, course_numpy.py"
echo "$(run --builtin reference)  built-in reference (no process, no JSON)"

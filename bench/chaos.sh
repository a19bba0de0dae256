#!/usr/bin/env bash
# Chaos benchmark (not a test): N campaigns against the correct test adapter, each sent one random
# fault at a random moment, and the trust properties checked after each: a valid JSON report, the
# exit status the fault earns, and no process of the adapter left running.
#   bench/chaos.sh [N] [GRADFUZZ]     (default 1000, build/gradfuzz)
# Faults: SIGINT to gradfuzz (130), SIGTERM to gradfuzz (143), the adapter killed (3), stderr
# garbage before each answer (0: not a fault of the protocol), a stall past --timeout (3).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
gradfuzz=${2:-build/gradfuzz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
correct="/usr/bin/python3 checks/adapters/correct.py"
declare -A count bad
for ((i = 1; i <= runs; i++)); do
  fault=$(( RANDOM % 5 ))
  delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + (r % 150) / 100 }')
  json=$work/r.json pid=$work/pid
  rm -f "$json" "$pid"
  case $fault in
    # Far more cases than can run before the fault: it always lands mid-campaign.
    0) adapter="$correct --pidfile $pid" expect=(130) cases=1000000 ;;
    1) adapter="$correct --pidfile $pid" expect=(143) cases=1000000 ;;
    2) adapter="$correct --pidfile $pid" expect=(3) cases=1000000 ;;
    3) adapter="sh -c 'echo \$\$ > $pid; head -c 3000 /dev/urandom >&2; exec $correct'" expect=(0)
       cases=40 ;;
    4) adapter="/usr/bin/python3 checks/adapters/hostile.py hang --after $(( RANDOM % 5 + 1 )) --pidfile $pid"
       expect=(3) cases=40 ;;
  esac
  "$gradfuzz" check --adapter "$adapter" --cases $cases --seed "$i" --timeout 1 --json "$json" \
    >/dev/null 2>&1 &
  g=$!
  case $fault in
    0) sleep "$delay"; kill -INT $g 2>/dev/null ;;
    1) sleep "$delay"; kill -TERM $g 2>/dev/null ;;
    2) sleep "$delay"; [ -s "$pid" ] && kill -KILL "$(cat "$pid")" 2>/dev/null ;;
  esac
  wait $g
  status=$?
  name=(sigint sigterm adapter_killed stderr_garbage stall)
  f=${name[$fault]}
  count[$f]=$(( ${count[$f]:-0} + 1 ))
  ok=1
  [[ " ${expect[*]} " == *" $status "* ]] || ok=0
  /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$json" 2>/dev/null || ok=0
  sleep 0.1
  if [ -s "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null &&
     ! grep -q '^State:.*Z' "/proc/$(cat "$pid")/status" 2>/dev/null; then
    ok=0
    kill -KILL "$(cat "$pid")" 2>/dev/null
  fi
  [ $ok = 1 ] || { bad[$f]=$(( ${bad[$f]:-0} + 1 )); echo "run $i: $f status $status" >&2; }
done
for f in "${!count[@]}"; do
  echo "$f: ${count[$f]} runs, ${bad[$f]:-0} without a valid report, the right status or a clean end"
done

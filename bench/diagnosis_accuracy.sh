#!/usr/bin/env bash
# Diagnosis accuracy: how often gradfuzz names the bug a hand-written backprop really has.
#   bash bench/diagnosis_accuracy.sh              (GRADFUZZ=path/to/gradfuzz, default build/gradfuzz)
# Runs `gradfuzz check --cases 100 --seed 1` on every file of checks/diagnosis_corpus that has an
# `# expect:` header (an independent corpus: written from how people write backprop, not from
# gradfuzz's mutant catalogue), two at a time, and scores the JSON results:
#   one line per file: file, expected id(s), verdict (exit status), diagnosis id(s), right/wrong
#     (and the number of probes the diagnosis used, when the JSON has diagnosis.probes);
#   per expected id: `id: K/N right`;
#   `diagnosis: K/N right` over the buggy files (a two-bug file `id1+id2` is right when the ids
#     reported, diagnosis.id and any diagnosis.ids list over all failures, include both),
#   `exact: K/N` (the ids reported are exactly the expected ones),
#   `caught: K/N` (buggy files that exit 1) and `correct pass: K/N` (`# expect: pass` files that exit 0).
# Environment: GRADFUZZ, CASES (100), SEED (1), JOBS (2: the machine has 2 cores), KEEP=DIR to keep
# the JSON and console output of every run in DIR. Exits 0 when every file ran (whatever the
# scores), 2 when the binary is missing.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
gradfuzz=${GRADFUZZ:-build/gradfuzz}
case "$gradfuzz" in /*) ;; *) gradfuzz="$root/$gradfuzz" ;; esac
if [ ! -x "$gradfuzz" ]; then
  echo "diagnosis_accuracy: no gradfuzz binary at $gradfuzz (set GRADFUZZ)" >&2
  exit 2
fi
cases=${CASES:-100}
seed=${SEED:-1}
jobs=${JOBS:-2}
export PYTHONPATH="$root/adapters/python${PYTHONPATH:+:$PYTHONPATH}"
if [ -n "${KEEP:-}" ]; then
  out=$KEEP
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

files=()
while IFS= read -r f; do
  if grep -q '^# expect:' "$f"; then files+=("$f"); fi
done < <(find checks/diagnosis_corpus -name '*.py' | LC_ALL=C sort)

run_one() {
  local f=$1 key
  key=$(printf '%s' "$f" | tr '/' '_')
  "$GF" check --adapter "/usr/bin/python3 $f" --cases "$CASES" --seed "$SEED" \
    --json "$OUT/$key.json" >"$OUT/$key.log" 2>&1
  echo $? >"$OUT/$key.rc"
}
export -f run_one
GF=$gradfuzz CASES=$cases SEED=$seed OUT=$out \
  xargs -P "$jobs" -I{} bash -c 'GF="$GF" CASES="$CASES" SEED="$SEED" OUT="$OUT" run_one "$1"' _ {} \
  < <(printf '%s\n' "${files[@]}")

/usr/bin/python3 - "$out" "${files[@]}" <<'PY'
import json, os, sys
from collections import OrderedDict

out, files = sys.argv[1], sys.argv[2:]
VERDICT = {0: "passed", 1: "failed", 2: "usage", 3: "misbehaved"}


def expected(path):
    with open(path) as f:
        for line in f:
            if line.startswith("# expect:"):
                return line.split(":", 1)[1].strip()


rows, by_id = [], OrderedDict()
buggy = right_buggy = exact = caught = correct = correct_right = 0
for path in files:
    key = path.replace("/", "_")
    exp = expected(path)
    try:
        rc = int(open(os.path.join(out, key + ".rc")).read().strip())
    except (OSError, ValueError):
        rc = -1
    ids, probes = [], None
    try:
        result = json.load(open(os.path.join(out, key + ".json")))
    except (OSError, ValueError):
        result = {}
    for failure in result.get("failures") or []:
        d = failure.get("diagnosis") or {}
        for i in [d.get("id")] + list(d.get("ids") or []):
            if i and i not in ids:
                ids.append(i)
        if isinstance(d.get("probes"), list):
            probes = (probes or 0) + len(d["probes"])
    verdict = VERDICT.get(rc, "exit %d" % rc)
    if exp == "pass":
        ok = rc == 0
        correct += 1
        correct_right += ok
    else:
        want = exp.split("+")
        ok = rc == 1 and all(w in ids for w in want)
        buggy += 1
        right_buggy += ok
        caught += rc == 1
        exact += rc == 1 and sorted(set(ids)) == sorted(set(want))
    tally = by_id.setdefault(exp, [0, 0])
    tally[0] += ok
    tally[1] += 1
    rows.append((path[len("checks/diagnosis_corpus/"):], exp, verdict, ",".join(ids) or "-",
                 "right" if ok else "wrong", "" if probes is None else "probes=%d" % probes))

widths = [max(len(r[i]) for r in rows) for i in range(4)]
for r in rows:
    print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] +
          ("  " + r[5] if r[5] else ""))
print()
singles = sorted(k for k in by_id if k != "pass" and "+" not in k)
doubles = sorted(k for k in by_id if "+" in k)
for k in singles + doubles + (["pass"] if "pass" in by_id else []):
    print("%s: %d/%d right" % (k, by_id[k][0], by_id[k][1]))
print()
print("diagnosis: %d/%d right" % (right_buggy, buggy))
print("exact: %d/%d" % (exact, buggy))
print("caught: %d/%d" % (caught, buggy))
print("correct pass: %d/%d" % (correct_right, correct))
misbehaved = [r[0] for r in rows if r[2] == "misbehaved"]
if misbehaved:
    print("misbehaved (exit 3): " + " ".join(misbehaved))
PY

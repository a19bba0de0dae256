#!/usr/bin/python3
"""Runs gradfuzz as a user would and validates what it writes: every JSON file against
reports/schema.json (python3-jsonschema), every JUnit file against junit.xsd (xmllint).

usage: validate_outputs.py GRADFUZZ OUTDIR SCHEMA_JSON JUNIT_XSD GOLDEN_DIR
"""
import json
import os
import subprocess
import sys

import jsonschema

gradfuzz, outdir, schema_path, xsd, golden = sys.argv[1:6]
os.makedirs(outdir, exist_ok=True)
schema = json.load(open(schema_path))
jsonschema.Draft7Validator.check_schema(schema)

def adapter(script_and_args):
    return "/usr/bin/python3 " + os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                              "adapters", script_and_args)


runs = {
    "failing": (["check", "--builtin", "no_inv_m", "--seed", "3"], 1),
    "passing": (["check", "--builtin", "reference", "--cases", "20", "--seed", "1"], 0),
    "selftest": (["selftest", "--cases", "10", "--no-mutants"], 0),
    # A wrong cost (hello "cost": true) with differences of the adapter's own cost.
    "cost": (["check", "--adapter", "/usr/bin/python3 " + os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "adapters", "buggy.py") +
        " --bug cost_no_l2", "--numeric-from", "adapter", "--seed", "1", "--cases", "5"], 1),
    "replay": (["replay", "v1;sizes=2,3,1;act=relu,sigmoid;loss=bce;lambda=0.5;slope=0.01;m=3;"
                "seed=9;scale=1;values=grid;labels=soft", "--builtin", "l2_on_biases"], 1),
    # Protocol 1.1: what the code declared, cases it refused, a campaign it mostly refused.
    "declared": (["check", "--adapter", adapter("declared.py --needs hidden_output"), "--seed", "1",
                  "--cases", "10"], 0),
    "skipped": (["check", "--adapter", adapter("refusing.py --refuse linear_output"), "--seed",
                 "3", "--cases", "30"], 0),
    "refused": (["check", "--adapter", adapter("refusing.py --refuse not_depth_3"), "--seed", "3",
                 "--cases", "10"], 2),
    "refused_replay": (["replay", "v1;sizes=2,1;act=linear;loss=mse;lambda=0;slope=0.01;m=2;"
                        "seed=1;scale=1;values=continuous;labels=hard", "--adapter",
                        adapter("refusing.py --refuse linear_output")], 2),
}
failures = 0
for name, (args, status) in runs.items():
    base = os.path.join(outdir, name)
    cmd = [gradfuzz, *args, "--json", base + ".json", "--junit", base + ".xml", "-q"]
    got = subprocess.run(cmd, capture_output=True, text=True)
    if got.returncode != status:
        print(f"FAIL {name}: exit {got.returncode}, expected {status}\n{got.stdout}{got.stderr}")
        failures += 1
        continue
    document = json.load(open(base + ".json"))
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(document), key=str)
    for e in errors[:5]:
        print(f"FAIL {name}.json: {e.message} at {list(e.absolute_path)}")
    failures += bool(errors)
    lint = subprocess.run(["xmllint", "--noout", "--schema", xsd, base + ".xml"],
                          capture_output=True, text=True)
    if lint.returncode != 0:
        print(f"FAIL {name}.xml: {lint.stderr}")
        failures += 1

for path, kind in ((os.path.join(golden, "report.json"), "json"), (os.path.join(golden, "report.xml"), "xml")):
    if kind == "json":
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(path))))
        for e in errors[:5]:
            print(f"FAIL golden report.json: {e.message} at {list(e.absolute_path)}")
        failures += bool(errors)
    else:
        lint = subprocess.run(["xmllint", "--noout", "--schema", xsd, path], capture_output=True, text=True)
        if lint.returncode != 0:
            print(f"FAIL golden report.xml: {lint.stderr}")
            failures += 1

checked = len(runs) * 2 + 2
print(f"{checked - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)

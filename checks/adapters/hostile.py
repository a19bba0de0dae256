"""An adapter that misbehaves on purpose, one way per mode (standard library only, so it starts
fast). It answers hello normally (unless the mode is about hello) and each gradients request
with zeros of the right shapes, until request number --after (default 1), where the mode acts.
Before acting it writes "hostile: <mode>" to stderr, so tests can see the tail quoted.

  exit_now        exits with status 3 before reading anything
  crash           exits with status 1 (a traceback-like line on stderr first)
  segfault        kills itself with SIGSEGV
  not_json        answers "this is not json"
  two_objects     answers two JSON objects on one line
  array           answers a JSON array
  wrong_id        answers with id + 1
  no_grads        answers {"id": ..} only
  missing_db      leaves out the last layer's db
  string_entry    a string inside dW1
  null_entry      null inside dW1
  ragged          dW1 with rows of different lengths
  mixed           dW1 mixing numbers and rows
  hang            never answers (sleeps)
  hang_hello      never answers hello
  ignore_term     ignores SIGTERM, bye and stdin's end, then hangs (only SIGKILL ends it)
  grandchild      starts a `sleep 60` in its process group (its pid in --pidfile2), then hangs
  oversized       answers one line of --size bytes (default 5000)
  no_newline      answers without the end of line, then waits
  hello_no_ok     answers hello with {"name": "x"}
  hello_unknown   answers hello declaring the activation "gelu"
  hello_custom    answers hello with every field set (sum, float32, tanh+sigmoid, bce, cost,
                  ...), and cost requests with 0.5
  stderr_flood    writes 2 MB to stderr before each answer (answers correctly shaped zeros)
  big_padding     adds 3 MB of padding under an extra key (a valid answer)
  nan_tokens      answers dW1 full of NaN, Infinity and -Infinity tokens
  cost_missing    says "cost": true in hello, then answers a cost request without "cost"
  cost_string     ... answers a cost request with "cost": "0.5"
  cost_wrong_id   ... answers a cost request with id + 1
  cost_hang       ... never answers a cost request
  cost_error      ... answers a cost request with an error reply (a finding, not misbehaviour)
The cost_* modes answer gradients requests normally (zeros, no cost), so gradfuzz follows each
with a cost request.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("mode")
parser.add_argument("--after", type=int, default=1)
parser.add_argument("--size", type=int, default=5000)
parser.add_argument("--pidfile")
parser.add_argument("--pidfile2")
args = parser.parse_args()
mode = args.mode


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def note(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def hang():
    while True:
        time.sleep(1)


def zeros(rows, cols, value=0.0):
    return [[value] * cols for _ in range(rows)]


def grads_for(net):
    n = net["layers"]
    out = {}
    for l in range(1, len(n)):
        out["dW%d" % l] = zeros(n[l], n[l - 1])
        out["db%d" % l] = zeros(n[l], 1)
    return out


if args.pidfile:
    with open(args.pidfile, "w") as f:
        f.write(str(os.getpid()))
if mode == "exit_now":
    note("hostile: exit_now")
    sys.exit(3)
if mode == "ignore_term":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if mode == "grandchild":
    child = subprocess.Popen(["sleep", "60"])
    with open(args.pidfile2, "w") as f:
        f.write(str(child.pid))

requests = 0
for line in sys.stdin:
    request = json.loads(line)
    op = request.get("op")
    if op == "hello":
        if mode == "hang_hello":
            note("hostile: hang_hello")
            hang()
        if mode == "hello_no_ok":
            say('{"name": "x"}')
        elif mode == "hello_unknown":
            say('{"ok": true, "activations": ["sigmoid", "gelu"]}')
        elif mode == "hello_custom":
            say(json.dumps({"ok": True, "name": "custom", "convention": "sum",
                            "dtype": "float32", "activations": ["tanh", "sigmoid"],
                            "losses": ["bce"], "regularization": False, "cost": True,
                            "intermediates": True, "extra": [1, 2]}))
        elif mode.startswith("cost_"):
            say('{"ok": true, "name": "hostile", "cost": true}')
        else:
            say('{"ok": true, "name": "hostile"}')
        continue
    if op == "bye":
        if mode == "ignore_term":
            note("hostile: ignoring bye")
            hang()
        say('{"ok": true}')
        break
    requests += 1
    rid = request["id"]
    if op == "cost":
        if mode == "hello_custom":  # declared cost: true, so it answers (a made-up J)
            say(json.dumps({"id": rid, "cost": 0.5}))
            continue
        note("hostile: " + mode)
        if mode == "cost_missing":
            say(json.dumps({"id": rid, "J": 0.5}))
        elif mode == "cost_string":
            say(json.dumps({"id": rid, "cost": "0.5"}))
        elif mode == "cost_wrong_id":
            say(json.dumps({"id": rid + 1, "cost": 0.5}))
        elif mode == "cost_error":
            say(json.dumps({"id": rid, "error": "ValueError: no forward pass today"}))
        else:
            hang()
        continue
    grads = grads_for(request["net"])
    response = {"id": rid, "grads": grads}
    if mode == "stderr_flood":
        sys.stderr.write(("x" * 1023 + "\n") * 2048)
        sys.stderr.flush()
    if mode == "big_padding":
        response["padding"] = "p" * (3 << 20)
    if (requests < args.after or mode.startswith("cost_") or
            mode in ("stderr_flood", "big_padding", "hello_custom")):
        say(json.dumps(response))
        continue
    note("hostile: " + mode)
    if mode == "crash":
        note("Traceback (most recent call last):\nRuntimeError: hostile crash")
        sys.exit(1)
    elif mode == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif mode == "not_json":
        say("this is not json")
    elif mode == "two_objects":
        say(json.dumps(response) + json.dumps(response))
    elif mode == "array":
        say("[1, 2, 3]")
    elif mode == "wrong_id":
        response["id"] = rid + 1
        say(json.dumps(response))
    elif mode == "no_grads":
        say(json.dumps({"id": rid}))
    elif mode == "missing_db":
        del grads["db%d" % (len(request["net"]["layers"]) - 1)]
        say(json.dumps(response))
    elif mode == "string_entry":
        grads["dW1"][0][0] = "0.5"
        say(json.dumps(response))
    elif mode == "null_entry":
        grads["dW1"][0][0] = None
        say(json.dumps(response))
    elif mode == "ragged":
        grads["dW1"][0].append(1.0)
        say(json.dumps(response))
    elif mode == "mixed":
        grads["dW1"][0] = 1.0
        say(json.dumps(response))
    elif mode == "nan_tokens":
        for row in grads["dW1"]:
            for k in range(len(row)):
                row[k] = [float("nan"), float("inf"), float("-inf")][k % 3]
        say(json.dumps(response))
    elif mode == "oversized":
        say('{"id": %d, "pad": "%s"}' % (rid, "x" * args.size))
    elif mode == "no_newline":
        sys.stdout.write(json.dumps(response))
        sys.stdout.flush()
        hang()
    elif mode in ("hang", "ignore_term", "grandchild"):
        hang()
    else:
        note("hostile: unknown mode " + mode)
        sys.exit(2)

"""Serve your backprop code to gradfuzz (the adapter protocol, docs/PROTOCOL.md, version 1.1).

Write one function, hand it to serve(), and run the script under gradfuzz:

    import numpy as np
    from gradfuzz_adapter import serve

    def gradients(net, params, X, Y):
        # net: {"layers": [n0, ..., nL], "activations": [...], "loss": "bce"|"ce"|"mse",
        #       "lambda": float, "leaky_slope": float}
        # params: {"W1": array n1 x n0, "b1": array n1 x 1, ...}; X: n0 x m; Y: nL x m
        ...
        return {"dW1": dW1, "db1": db1, ...}   # optionally "cost", "dZ2", "dA1", ...

    serve(gradients, convention="mean")

    gradfuzz check --adapter '/usr/bin/python3 my_adapter.py'

Say what your code handles, and gradfuzz draws only that: serve(gradients, hidden=["relu"],
output=["sigmoid"], depth=3, output_units=1, labels="hard", ...). For a case it does not handle
after all, raise Unsupported("why") in your function: the case is skipped, not failed.

Standard library and NumPy only. The helper answers hello with what you declare, turns every
request into NumPy arrays (rounded to float32 when dtype="float32"), calls your function, and
writes its arrays back exactly. An exception in your code is sent as an error reply (a finding
gradfuzz reports with your message, or with its type and the failing line when it has none, as
a bare assert), never a crash of the protocol. print() inside your code goes to stderr, so it
cannot break the protocol, and gradfuzz shows its last lines when something goes wrong.
"""

import json
import os
import sys
import traceback

import numpy as np

PROTOCOL_VERSION = 1
PROTOCOL_MINOR = 1  # the helper speaks 1.1: network bounds in hello, unsupported replies
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")
LOSSES = ("bce", "ce", "mse")
_DTYPES = {"float64": np.float64, "float32": np.float32}


class Unsupported(Exception):
    """Raise in your gradients (or cost) function for a case your code does not handle: gradfuzz
    skips it (it is not a finding) and draws another. str() is the reason reports show."""


def _default_name():
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "adapter"
    return os.path.splitext(script)[0] or "adapter"


def _array(value, dtype):
    return np.asarray(value, dtype=np.float64).astype(dtype, copy=False)


def _to_list(value):
    """A gradient as JSON: a 2-D array as a list of rows, exactly as NumPy holds it.

    Shapes are sent as they are (a 1-D array as a flat list), so that gradfuzz can report a
    shape that is wrong instead of the helper hiding it.
    """
    if isinstance(value, (float, int, np.floating, np.integer)):
        return float(value)
    array = np.asarray(value)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError("a gradient must be an array of numbers, not %r" % (array.dtype,))
    return array.astype(np.float64).tolist()


def _error_text(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    where = ""
    if last:
        where = "%s:%d in %s" % (os.path.basename(last.filename), last.lineno, last.name)
    if str(exc):
        return "%s: %s%s" % (type(exc).__name__, exc, " (%s)" % where if where else "")
    # No message (a bare assert, raise KeyError()): the type, and the line that raised it.
    line = last.line.strip() if last and last.line else ""
    return "%s%s%s" % (type(exc).__name__, " at " + where if where else "",
                       ": " + line if line else "")


def _range(name, value):
    """A depth or output_units as hello writes it: an exact number, or [min, max]."""
    if isinstance(value, bool):
        raise ValueError("%s must be a whole number or (min, max), not %r" % (name, value))
    if isinstance(value, (int, np.integer)):
        if value < 1:
            raise ValueError("%s must be at least 1, not %r" % (name, value))
        return int(value)
    low, high = value
    if isinstance(low, bool) or isinstance(high, bool) or not 1 <= int(low) <= int(high):
        raise ValueError("%s must be (min, max) with 1 <= min <= max, not %r" % (name, value))
    return [int(low), int(high)]


def _names(name, values, known):
    values = list(values)
    for value in values:
        if value not in known:
            raise ValueError("%s: unknown name %r (known: %s)" % (name, value, ", ".join(known)))
    return values


class _Server:
    def __init__(self, gradients, convention, dtype, activations, losses, regularization, cost,
                 intermediates, name, hidden=None, output=None, same_hidden_activation=False,
                 depth=None, output_units=None, max_width=None, max_batch=None, labels="any"):
        if convention not in ("mean", "sum"):
            raise ValueError("convention must be 'mean' or 'sum', not %r" % (convention,))
        if dtype not in _DTYPES:
            raise ValueError("dtype must be 'float64' or 'float32', not %r" % (dtype,))
        self.gradients = gradients
        self.cost = cost
        self.dtype = _DTYPES[dtype]
        self.intermediates = bool(intermediates)
        self.hello = {
            "ok": True,
            "gradfuzz": PROTOCOL_VERSION,
            "minor": PROTOCOL_MINOR,
            "name": name or _default_name(),
            "convention": convention,
            "dtype": dtype,
            "activations": list(activations if activations is not None else ACTIVATIONS),
            "losses": list(losses if losses is not None else LOSSES),
            "regularization": bool(regularization),
            "cost": cost is not None,
            "intermediates": self.intermediates,
        }
        # Version 1.1: only what was declared, so that the defaults stay the protocol's.
        if hidden is not None:
            self.hello["hidden_activations"] = _names("hidden", hidden, ACTIVATIONS)
        if output is not None:
            self.hello["output_activations"] = _names("output", output, ACTIVATIONS)
        if same_hidden_activation:
            self.hello["same_hidden_activation"] = True
        if depth is not None:
            self.hello["depth"] = _range("depth", depth)
        if output_units is not None:
            self.hello["output_units"] = _range("output_units", output_units)
        for key, value in (("max_width", max_width), ("max_batch", max_batch)):
            if value is not None:
                if isinstance(value, bool) or int(value) != value or value < 1:
                    raise ValueError("%s must be a whole number >= 1, not %r" % (key, value))
                self.hello[key] = int(value)
        if labels not in ("any", "hard"):
            raise ValueError("labels must be 'any' or 'hard', not %r" % (labels,))
        if labels == "hard":
            self.hello["labels"] = "hard"
        self.tool_minor = 0  # what the tool's hello says it speaks

    def inputs(self, request):
        params = {key: _array(value, self.dtype) for key, value in request["params"].items()}
        return (dict(request["net"]), params, _array(request["X"], self.dtype),
                _array(request["Y"], self.dtype))

    def answer_gradients(self, request):
        result = self.gradients(*self.inputs(request))
        if not isinstance(result, dict):
            raise TypeError("gradients() must return a dict such as {'dW1': ..., 'db1': ...}, "
                            "not %s" % type(result).__name__)
        grads, intermediates, response = {}, {}, {"id": request["id"]}
        for key, value in result.items():
            if key == "cost":
                response["cost"] = float(value)
            elif key.startswith(("dW", "db")):
                grads[key] = _to_list(value)
            elif key.startswith(("dZ", "dA")):
                intermediates[key] = _to_list(value)
            else:
                raise KeyError("gradients() returned an unknown key %r (expected dW<l>, db<l>, "
                               "dZ<l>, dA<l> or cost)" % (key,))
        response["grads"] = grads
        if intermediates and self.intermediates:
            response["intermediates"] = intermediates
        return response

    def answer_cost(self, request):
        if self.cost is None:
            raise RuntimeError("this adapter declared no cost function (serve(..., cost=...))")
        if self.cost is True:  # J is the "cost" key of what gradients() returns
            result = self.gradients(*self.inputs(request))
            if not isinstance(result, dict) or "cost" not in result:
                raise KeyError("serve(..., cost=True) needs gradients() to return a 'cost' key")
            return {"id": request["id"], "cost": float(result["cost"])}
        return {"id": request["id"], "cost": float(self.cost(*self.inputs(request)))}

    def answer(self, request):
        op = request.get("op")
        if op == "hello":
            minor = request.get("minor", 0)
            self.tool_minor = minor if isinstance(minor, int) else 0
            return self.hello
        try:
            if op == "gradients":
                return self.answer_gradients(request)
            if op == "cost":
                return self.answer_cost(request)
            raise ValueError("unknown op %r" % (op,))
        except Unsupported as exc:
            why = str(exc) or "the code does not handle this case"
            if self.tool_minor >= 1:
                return {"id": request.get("id"), "unsupported": why}
            # A version 1.0 tool knows no such reply: it is told as an error (a finding).
            return {"id": request.get("id"), "error": "unsupported: " + why}
        except Exception as exc:  # the code under test failed: a finding, sent as an error reply
            traceback.print_exc(file=sys.stderr)
            return {"id": request.get("id"), "error": _error_text(exc)}


def serve(gradients, convention="mean", dtype="float64", activations=None, losses=None,
          regularization=True, cost=None, intermediates=False, name=None, hidden=None,
          output=None, same_hidden_activation=False, depth=None, output_units=None,
          max_width=None, max_batch=None, labels="any"):
    """Answer gradfuzz's requests on stdin/stdout until bye (or the end of stdin).

    gradients(net, params, X, Y) -> dict of arrays: "dW1", "db1", ... (each the shape of its
        parameter), optionally "cost" (J, the mean over the batch with the L2 term), and with
        intermediates=True any of "dZ<l>", "dA<l>" (per example, no 1/m).
    convention: "mean" (gradients of J, with the 1/m) or "sum" (of m*J, without it).
    dtype: "float64", or "float32" (inputs are rounded to float32; gradfuzz's tolerance follows).
    activations, losses: what your code supports (default: everything); gradfuzz draws only these.
    regularization: whether your code takes lambda > 0 (L2); if False, lambda is always 0.
    cost: an optional function cost(net, params, X, Y) -> J, for `cost` requests (gradfuzz then
        checks J against its forward pass, and `--numeric-from adapter` takes finite differences
        of it); True answers them with the "cost" key of gradients()' result instead.
    name: shown in gradfuzz's reports (default: the script's name).

    What the networks may be (docs/PROTOCOL.md, version 1.1; each optional, default: anything):
    hidden, output: the activations of hidden layers and of the output layer apart (these win
        over `activations` where both are given).
    same_hidden_activation: every hidden layer of a network uses one activation (scikit-learn).
    depth: the number of layers with parameters, exact (3) or a range ((2, 4)).
    output_units: nL, exact (1 for a binary head) or a range.
    max_width, max_batch: the widest layer, the largest batch m.
    labels: "hard" (bce labels 0/1, ce one-hot columns only) or "any" (soft labels too).

    A case your code does not handle after all: raise Unsupported("why") in gradients() or
    cost(); gradfuzz skips it, says why in its reports, and draws another.
    """
    server = _Server(gradients, convention, dtype, activations, losses, regularization, cost,
                     intermediates, name, hidden, output, same_hidden_activation, depth,
                     output_units, max_width, max_batch, labels)
    # Anything the code under test prints goes to stderr, where it cannot break the protocol:
    # Python's print and, through file descriptor 1, native libraries too. The protocol keeps a
    # private copy of the real stdout.
    sys.stdout.flush()
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    saved_stdout, sys.stdout = sys.stdout, sys.stderr
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            if request.get("op") == "bye":
                protocol_out.write('{"ok": true}\n')
                protocol_out.flush()
                return
            protocol_out.write(json.dumps(server.answer(request)) + "\n")
            protocol_out.flush()
    finally:
        sys.stdout = saved_stdout
        protocol_out.close()

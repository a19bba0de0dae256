"""A correct adapter for the checks, written with the Python helper.

Options: --convention mean|sum, --dtype float64|float32, --intermediates, --cost (answers cost
requests: hello says "cost": true), --cost-in-gradients (sends J in every gradients response
and answers cost requests from it: serve(..., cost=True)), --pidfile PATH (writes
its process id there), --crash-after N (answers N gradients requests, then exits with status 1
while writing to stderr: a crash after good answers), --noisy (prints to stdout, through
Python and through file descriptor 1, in every answer).
"""

import argparse
import os
import sys

# The forward pass, the cost and the activations' derivatives are the course example's
# (adapters/python/examples/course_numpy.py); backprop is written here again with a hook for
# the planted bugs of buggy.py.
_ADAPTERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "adapters",
                         "python")
sys.path[:0] = [_ADAPTERS, os.path.join(_ADAPTERS, "examples")]
from gradfuzz_adapter import serve  # noqa: E402
from course_numpy import compute_cost as cost, derivative as slope_of, forward  # noqa: E402,F401


def backprop(net, params, X, Y, convention="mean", intermediates=False, derivative=None):
    """derivative(l, g, Z, A, slope), if given, replaces g[l]'(Z[l]) (a planted bug)."""
    L, m, slope = len(net["layers"]) - 1, X.shape[1], net["leaky_slope"]
    if derivative is None:
        def derivative(l, g, Z, A, slope):
            return slope_of(g, Z, A, slope)
    Z, A = forward(net, params, X)
    dZ = A[L] - Y
    if net["loss"] == "mse":
        dZ = dZ * derivative(L, net["activations"][L - 1], Z[L], A[L], slope)
    s = 1.0 / m if convention == "mean" else 1.0
    out = {}
    for l in range(L, 0, -1):
        W = params["W%d" % l]
        out["dW%d" % l] = s * (dZ @ A[l - 1].T + net["lambda"] * W)
        out["db%d" % l] = s * dZ.sum(axis=1, keepdims=True)
        dA = W.T @ dZ
        if intermediates:
            out["dZ%d" % l], out["dA%d" % (l - 1)] = dZ, dA
        if l > 1:
            dZ = dA * derivative(l - 1, net["activations"][l - 2], Z[l - 1], A[l - 1], slope)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--convention", default="mean")
    parser.add_argument("--dtype", default="float64")
    parser.add_argument("--intermediates", action="store_true")
    parser.add_argument("--cost", action="store_true")
    parser.add_argument("--cost-in-gradients", action="store_true")
    parser.add_argument("--pidfile")
    parser.add_argument("--crash-after", type=int, default=-1)
    parser.add_argument("--noisy", action="store_true")
    args = parser.parse_args()
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(str(os.getpid()))
    answered = [0]

    def gradients(net, params, X, Y):
        if answered[0] == args.crash_after:
            sys.stderr.write("correct.py: crashing on purpose after %d answers\n" % answered[0])
            sys.stderr.flush()
            os._exit(1)
        answered[0] += 1
        if args.noisy:  # what debugging code does; the helper keeps it off the protocol
            print("correct.py: a print from the code under test")
            os.write(1, b"correct.py: a write to file descriptor 1\n")
        out = backprop(net, params, X, Y, args.convention, args.intermediates)
        if args.cost_in_gradients:
            out["cost"] = cost(net, params, X, Y)
        return out

    serve(gradients, convention=args.convention, dtype=args.dtype,
          intermediates=args.intermediates,
          cost=cost if args.cost else (True if args.cost_in_gradients else None),
          name="correct_%s_%s" % (args.convention, args.dtype))


if __name__ == "__main__":
    main()

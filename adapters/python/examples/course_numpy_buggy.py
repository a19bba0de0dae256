"""course_numpy.py's backward pass with one classic bug, chosen on the command line.

    gradfuzz check --adapter '/usr/bin/python3 adapters/python/examples/course_numpy_buggy.py --bug missing_inv_m'

Each bug must make gradfuzz fail (exit status 1) and name it:
  --bug missing_inv_m          dW = dZ A_prev.T, db = sum(dZ): the 1/m forgotten   -> missing_inv_m
  --bug transposed             dW = 1/m A_prev dZ.T: the transpose in the wrong place -> transposed
  --bug activation_derivative  a tanh layer's backward uses sigmoid's A (1 - A)     -> activation_derivative
  --bug bias_sum_axis          db = 1/m sum(dZ, axis=0): summed over the units      -> bias_sum_axis
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gradfuzz_adapter import serve  # noqa: E402
from course_numpy import derivative, forward  # noqa: E402

BUGS = ("missing_inv_m", "transposed", "activation_derivative", "bias_sum_axis")


def backward(net, params, X, Y, bug):
    Z, A = forward(net, params, X)
    L, m = len(Z) - 1, X.shape[1]
    g, lambd, slope = net["activations"], net["lambda"], net["leaky_slope"]
    grads = {}
    if net["loss"] == "mse":
        dZ = (A[L] - Y) * derivative(g[L - 1], Z[L], A[L], slope)
    else:
        dZ = A[L] - Y
    for l in range(L, 0, -1):
        W = params["W%d" % l]
        if bug == "missing_inv_m":
            grads["dW%d" % l] = np.dot(dZ, A[l - 1].T) + lambd / m * W
            grads["db%d" % l] = np.sum(dZ, axis=1, keepdims=True)
        elif bug == "transposed":
            grads["dW%d" % l] = 1 / m * (np.dot(A[l - 1], dZ.T) + lambd * W.T)
            grads["db%d" % l] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        elif bug == "bias_sum_axis":
            grads["dW%d" % l] = 1 / m * (np.dot(dZ, A[l - 1].T) + lambd * W)
            grads["db%d" % l] = 1 / m * np.sum(dZ, axis=0, keepdims=True)
        else:
            grads["dW%d" % l] = 1 / m * (np.dot(dZ, A[l - 1].T) + lambd * W)
            grads["db%d" % l] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        if l > 1:
            dA_prev = np.dot(W.T, dZ)
            if bug == "activation_derivative" and g[l - 2] == "tanh":
                dZ = dA_prev * A[l - 1] * (1 - A[l - 1])  # sigmoid's derivative on a tanh layer
            else:
                dZ = dA_prev * derivative(g[l - 2], Z[l - 1], A[l - 1], slope)
    return grads


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bug", choices=BUGS, required=True)
    args = parser.parse_args()
    serve(lambda net, params, X, Y: backward(net, params, X, Y, args.bug),
          name="course_numpy_buggy_" + args.bug)


if __name__ == "__main__":
    main()

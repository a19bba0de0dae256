"""The course's vectorized L-layer backpropagation in NumPy, checked by gradfuzz.

    gradfuzz check --adapter '/usr/bin/python3 adapters/python/examples/course_numpy.py'

Examples are columns (X is n0 x m). Every activation (sigmoid, tanh, relu, leaky_relu, linear,
softmax), every loss (bce, ce, mse) and L2 regularization. Options make the variants gradfuzz
must also accept: --convention sum (gradients of m*J, no 1/m), --dtype float32 (computes in
single precision), --intermediates (also sends dZ<l> and dA<l>).
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gradfuzz_adapter import serve  # noqa: E402


def sigmoid(Z):
    # 1/(1+exp(-Z)) overflows exp for very negative Z; this form is the same function.
    return 0.5 * (1.0 + np.tanh(0.5 * Z))


def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def activate(g, Z, slope):
    if g == "sigmoid":
        return sigmoid(Z)
    if g == "tanh":
        return np.tanh(Z)
    if g == "relu":
        return np.maximum(Z, 0)
    if g == "leaky_relu":
        return np.where(Z > 0, Z, slope * Z).astype(Z.dtype)
    if g == "linear":
        return Z
    if g == "softmax":
        return softmax(Z)
    raise ValueError("unknown activation " + g)


def derivative(g, Z, A, slope):
    """g'(Z), written with A = g(Z) where the course does."""
    if g == "sigmoid":
        return A * (1 - A)
    if g == "tanh":
        return 1 - A ** 2
    if g == "relu":
        return (Z > 0).astype(Z.dtype)
    if g == "leaky_relu":
        return np.where(Z > 0, 1, slope).astype(Z.dtype)
    if g == "linear":
        return np.ones_like(Z)
    raise ValueError("no elementwise derivative for " + g)


def forward(net, params, X):
    """Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]); returns the caches Z, A (A[0] = X)."""
    L = len(net["layers"]) - 1
    Z, A = [None], [X]
    for l in range(1, L + 1):
        Z.append(np.dot(params["W%d" % l], A[l - 1]) + params["b%d" % l])
        A.append(activate(net["activations"][l - 1], Z[l], net["leaky_slope"]))
    return Z, A


def softplus(x):
    return np.logaddexp(0, x)


def compute_cost(net, params, X, Y):
    """J: the loss averaged over the m examples, plus (lambda/2m) sum ||W[l]||^2."""
    Z, A = forward(net, params, X)
    L, m = len(Z) - 1, X.shape[1]
    ZL, AL = Z[L], A[L]
    if net["loss"] == "bce":  # -(Y log A + (1-Y) log(1-A)), from Z so that log(0) never happens
        total = np.sum(Y * softplus(-ZL) + (1 - Y) * softplus(ZL))
    elif net["loss"] == "ce":
        shifted = ZL - np.max(ZL, axis=0, keepdims=True)
        log_softmax = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
        total = -np.sum(Y * log_softmax)
    else:
        total = 0.5 * np.sum((AL - Y) ** 2)
    l2 = sum(np.sum(np.square(params["W%d" % l])) for l in range(1, L + 1))
    return float(total / m + net["lambda"] / (2 * m) * l2)


def backward(net, params, X, Y, convention="mean", intermediates=False):
    Z, A = forward(net, params, X)
    L, m = len(Z) - 1, X.shape[1]
    g, lambd, slope = net["activations"], net["lambda"], net["leaky_slope"]
    scale = 1.0 / m if convention == "mean" else 1.0  # the sum convention differentiates m*J
    grads = {}
    # Output delta dL/dZ[L] (per example): A - Y for sigmoid+bce and softmax+ce.
    if net["loss"] == "mse":
        dZ = (A[L] - Y) * derivative(g[L - 1], Z[L], A[L], slope)
    else:
        dZ = A[L] - Y
    for l in range(L, 0, -1):
        W = params["W%d" % l]
        grads["dW%d" % l] = scale * (np.dot(dZ, A[l - 1].T) + lambd * W)
        grads["db%d" % l] = scale * np.sum(dZ, axis=1, keepdims=True)
        dA_prev = np.dot(W.T, dZ)
        if intermediates:
            grads["dZ%d" % l] = dZ
            grads["dA%d" % (l - 1)] = dA_prev
        if l > 1:
            dZ = dA_prev * derivative(g[l - 2], Z[l - 1], A[l - 1], slope)
    return grads


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--convention", choices=["mean", "sum"], default="mean")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--intermediates", action="store_true")
    args = parser.parse_args()

    def gradients(net, params, X, Y):
        grads = backward(net, params, X, Y, args.convention, args.intermediates)
        grads["cost"] = compute_cost(net, params, X, Y)
        return grads

    serve(gradients, convention=args.convention, dtype=args.dtype, cost=compute_cost,
          intermediates=args.intermediates,
          name="course_numpy" + ("" if args.convention == "mean" else "_sum") +
          ("" if args.dtype == "float64" else "_float32"))


if __name__ == "__main__":
    main()

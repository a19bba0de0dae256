"""CS231n-style forward layers (assignment 2, layers.py), row-major: x is N x D, w is D x M,
b is (M,). Each *_forward returns (out, cache); the backward functions live in each file."""

import numpy as np

from .acts import sigmoid


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def relu_forward(x):
    return np.maximum(0, x), x


def leaky_relu_forward(x, slope):
    return np.where(x > 0, x, slope * x), (x, slope)


def tanh_forward(x):
    return np.tanh(x), x


def sigmoid_forward(x):
    return sigmoid(x), x


def nonlinearity_forward(name, x, slope):
    if name == "relu":
        return relu_forward(x)
    if name == "leaky_relu":
        return leaky_relu_forward(x, slope)
    if name == "tanh":
        return tanh_forward(x)
    if name == "sigmoid":
        return sigmoid_forward(x)
    if name == "linear":
        return x, None
    raise ValueError("no layer for " + name)


def forward(x, ws, bs, acts, slope):
    """{affine - nonlinearity} per layer; a softmax output is left to softmax_loss.

    Returns the last layer's output (scores for a softmax output) and per layer
    (fc_cache, nonlinearity_cache)."""
    caches = []
    out = x
    for w, b, act in zip(ws, bs, acts):
        out, fc_cache = affine_forward(out, w, b)
        act_cache = None
        if act != "softmax":
            out, act_cache = nonlinearity_forward(act, out, slope)
        caches.append((fc_cache, act_cache))
    return out, caches


def to_row_major(params, X, Y, L):
    """The course's column-major arrays as CS231n's: x N x D, w D x M, b (M,)."""
    ws = [params["W%d" % l].T for l in range(1, L + 1)]
    bs = [params["b%d" % l].ravel() for l in range(1, L + 1)]
    return X.T, Y.T, ws, bs

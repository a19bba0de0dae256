# expect: missing_activation_derivative
# style: cs231n
# bug: the backward loop skips the hidden layers' relu_backward: dout goes straight into the
#      affine_backward below
"""CS231n-style backpropagation (assignment 2: layers.py and FullyConnectedNet.loss), served
to gradfuzz. Row-major inside: x is N x D, w is D x M, b is (M,); the course's column-major
arrays are transposed at the boundary."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.acts import sigmoid  # noqa: E402
from common.cs231n import forward, to_row_major  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["relu", "softmax"],
                losses=["ce"], regularization=True)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T)
    dw = x.T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_backward(dout, cache):
    x = cache
    dx = dout * (x > 0)
    return dx


def leaky_relu_backward(dout, cache):
    x, slope = cache
    return dout * np.where(x > 0, 1.0, slope)


def tanh_backward(dout, cache):
    x = cache
    return dout * (1 - np.tanh(x) ** 2)


def sigmoid_backward(dout, cache):
    s = sigmoid(cache)
    return dout * s * (1 - s)


BACKWARD = {"relu": relu_backward, "leaky_relu": leaky_relu_backward, "tanh": tanh_backward,
            "sigmoid": sigmoid_backward, "linear": lambda dout, cache: dout}


def softmax_loss(x, y):
    """x: N x C scores; y: N x C label distributions (one-hot rows or soft)."""
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(y * log_probs) / N
    dx = (probs - y) / N
    return loss, dx


def mse_loss(x, y):
    N = x.shape[0]
    loss = 0.5 * np.sum((x - y) ** 2) / N
    dx = (x - y) / N
    return loss, dx


def model_loss(x, y, ws, bs, acts, loss_name, lambd, slope):
    N, L = x.shape[0], len(ws)
    reg = lambd / N  # J's L2 term is (lambda / 2N) sum ||W||^2, i.e. 0.5 * reg * sum(W * W)
    out, caches = forward(x, ws, bs, acts, slope)
    loss, dout = softmax_loss(out, y) if loss_name == "ce" else mse_loss(out, y)
    loss += 0.5 * reg * sum(np.sum(w * w) for w in ws)
    grads = {}
    for i in reversed(range(L)):
        fc_cache, act_cache = caches[i]
        # BUG: relu_backward(dout, act_cache) forgotten
        dout, dw, db = affine_backward(dout, fc_cache)
        grads["W%d" % (i + 1)] = dw + reg * ws[i]
        grads["b%d" % (i + 1)] = db
    return loss, grads


def gradients(net, params, X, Y):
    L = len(net["layers"]) - 1
    x, y, ws, bs = to_row_major(params, X, Y, L)
    _, grads = model_loss(x, y, ws, bs, net["activations"], net["loss"], net["lambda"],
                          net["leaky_slope"])
    out = {}
    for l in range(1, L + 1):  # back to the course's shapes: W n x n_prev, b n x 1
        out["dW%d" % l] = grads["W%d" % l].T
        out["db%d" % l] = grads["b%d" % l].reshape(-1, 1)
    return out


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

# expect: wrong_layer_index
# style: course
# bug: the backward loop's cache index is off by one: current_cache = caches[l + 1], so hidden
#      layer l + 1 is differentiated with the cache (A_prev, W, b, Z) of the layer above it
#      (runs only when the widths allow)
"""Course-style L-layer backpropagation (Ng's "Building your Deep Neural Network: Step by Step"),
served to gradfuzz. Examples are columns; caches are ((A_prev, W, b), Z)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.acts import sigmoid  # noqa: E402
from common.course import L_model_forward  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"],
                losses=["bce", "ce", "mse"], regularization=True)


def activation_backward(dA, Z, activation, slope):
    if activation == "sigmoid":
        s = sigmoid(Z)
        return dA * s * (1 - s)
    if activation == "tanh":
        return dA * (1 - np.tanh(Z) ** 2)
    if activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
        return dZ
    if activation == "leaky_relu":
        return dA * np.where(Z > 0, 1.0, slope)
    if activation == "linear":
        return dA
    raise ValueError("no backward for " + activation)


def linear_backward(dZ, cache, lambd):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T) + lambd / m * W
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation, lambd, slope):
    linear_cache, Z = cache
    dZ = activation_backward(dA, Z, activation, slope)
    return linear_backward(dZ, linear_cache, lambd)


def L_model_backward(AL, Y, caches, activations, loss, lambd, slope):
    grads = {}
    L = len(caches)
    if loss == "mse":  # J = 1/(2m) sum (AL - Y)^2: dAL = AL - Y, through g'(ZL)
        dAL = AL - Y
        grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
            linear_activation_backward(dAL, caches[L - 1], activations[L - 1], lambd, slope)
    else:  # sigmoid + bce and softmax + ce: dZL = AL - Y
        dZL = AL - Y
        linear_cache, ZL = caches[L - 1]
        grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
            linear_backward(dZL, linear_cache, lambd)
    for l in reversed(range(L - 1)):
        current_cache = caches[l + 1]  # BUG: caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, activations[l], lambd, slope)
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def gradients(net, params, X, Y):
    AL, caches = L_model_forward(X, params, net["activations"], net["leaky_slope"])
    grads = L_model_backward(AL, Y, caches, net["activations"], net["loss"], net["lambda"],
                             net["leaky_slope"])
    return {k: v for k, v in grads.items() if k.startswith(("dW", "db"))}


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

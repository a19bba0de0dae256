"""Activation functions (forward only), shared by the NumPy styles of the corpus.

Matrices are column-major in the course convention (examples are columns), except where a
caller passes rows: every function here is elementwise, except softmax, which takes the axis.
"""

import numpy as np


def sigmoid(Z):
    # 1 / (1 + exp(-Z)) written so that exp never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * Z))


def softmax(Z, axis=0):
    E = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
    return E / np.sum(E, axis=axis, keepdims=True)


def relu(Z):
    return np.maximum(Z, 0.0)


def leaky_relu(Z, slope):
    return np.where(Z > 0, Z, slope * Z)


def activate(name, Z, slope=0.01, axis=0):
    if name == "sigmoid":
        return sigmoid(Z)
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return relu(Z)
    if name == "leaky_relu":
        return leaky_relu(Z, slope)
    if name == "linear":
        return Z
    if name == "softmax":
        return softmax(Z, axis)
    raise ValueError("unknown activation " + name)

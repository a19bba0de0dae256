# expect: extra_inv_m
# style: class
# bug: 1/m applied twice: the loss returns (A - Y) / m and Dense divides dW and db by m again
"""Class-based layers with forward/backward methods, as in "Neural Networks from Scratch" (nnfs):
the loss's backward returns the gradient of the mean cost, so the layers below carry the 1/m."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.acts import sigmoid, softmax  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"],
                losses=["bce", "ce", "mse"], regularization=True)


class Dense:
    def __init__(self, W, b, lambd):
        self.W, self.b, self.lambd = W, b, lambd

    def forward(self, X):
        self.X = X
        return self.W @ X + self.b

    def backward(self, dZ):
        m = self.X.shape[1]
        self.dW = dZ @ self.X.T / m + self.lambd / m * self.W  # BUG: dZ already has the 1/m
        self.db = np.sum(dZ, axis=1, keepdims=True) / m  # BUG: again
        return self.W.T @ dZ


class Sigmoid:
    def forward(self, Z):
        self.A = sigmoid(Z)
        return self.A

    def backward(self, dA):
        return dA * self.A * (1 - self.A)


class Tanh:
    def forward(self, Z):
        self.A = np.tanh(Z)
        return self.A

    def backward(self, dA):
        return dA * (1 - self.A ** 2)


class ReLU:
    def forward(self, Z):
        self.Z = Z
        return np.maximum(0, Z)

    def backward(self, dA):
        dZ = dA.copy()
        dZ[self.Z <= 0] = 0
        return dZ


class LeakyReLU:
    def __init__(self, slope):
        self.slope = slope

    def forward(self, Z):
        self.Z = Z
        return np.where(Z > 0, Z, self.slope * Z)

    def backward(self, dA):
        return dA * np.where(self.Z > 0, 1.0, self.slope)


class Loss:
    """bce and ce fold the output activation in (dZ = (A - Y) / m); mse follows it (dA)."""

    def __init__(self, kind):
        self.kind = kind

    def forward(self, out, Y):
        self.Y = Y
        self.A = sigmoid(out) if self.kind == "bce" else softmax(out) if self.kind == "ce" else out
        return self.A

    def backward(self):
        m = self.Y.shape[1]
        return (self.A - self.Y) / m


def make_activation(name, slope):
    if name == "leaky_relu":
        return LeakyReLU(slope)
    return {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "linear": lambda: None}[name]()


def gradients(net, params, X, Y):
    L = len(net["layers"]) - 1
    layers = []
    for l in range(1, L + 1):
        layers.append(Dense(params["W%d" % l], params["b%d" % l], net["lambda"]))
        if l < L or net["loss"] == "mse":  # bce and ce fold the output activation into Loss
            layers.append(make_activation(net["activations"][l - 1], net["leaky_slope"]))
    layers = [layer for layer in layers if layer is not None]  # a linear layer is Dense alone
    loss = Loss(net["loss"])
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss.forward(out, Y)
    grad = loss.backward()
    for layer in reversed(layers):
        grad = layer.backward(grad)
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    grads = {}
    for l, layer in enumerate(dense, start=1):
        grads["dW%d" % l], grads["db%d" % l] = layer.dW, layer.db
    return grads


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

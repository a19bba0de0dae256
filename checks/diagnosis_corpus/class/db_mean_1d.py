# expect: shape_mismatch
# style: class
# bug: self.db = np.mean(dZ, axis=1) without keepdims: the right numbers, shape (n,)
"""Class-based layers written the course's way, served to gradfuzz: each layer's backward
takes the per-example gradient (no 1/m) and Dense averages over the batch itself."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.acts import sigmoid  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu"], losses=["bce", "mse"],
                regularization=True)


class Layer:
    def forward(self, inputs):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError


class Dense(Layer):
    def __init__(self, W, b, lambd=0.0):
        self.W, self.b, self.lambd = W, b, lambd

    def forward(self, A_prev):
        self.A_prev = A_prev
        return np.dot(self.W, A_prev) + self.b

    def backward(self, dZ):
        m = self.A_prev.shape[1]
        self.dW = np.dot(dZ, self.A_prev.T) / m + self.lambd / m * self.W
        self.db = np.mean(dZ, axis=1)  # BUG: no keepdims, a 1-D array
        return np.dot(self.W.T, dZ)


class Sigmoid(Layer):
    def forward(self, Z):
        self.A = sigmoid(Z)
        return self.A

    def backward(self, dA):
        return dA * self.A * (1 - self.A)


class Tanh(Layer):
    def forward(self, Z):
        self.A = np.tanh(Z)
        return self.A

    def backward(self, dA):
        return dA * (1 - np.square(self.A))


class ReLU(Layer):
    def forward(self, Z):
        self.mask = Z > 0
        return Z * self.mask

    def backward(self, dA):
        return dA * self.mask


class BinaryCrossEntropyWithSigmoid:
    """The output layer's sigmoid and the loss together: dZ = A - Y per example."""

    def forward(self, Z, Y):
        self.A, self.Y = sigmoid(Z), Y
        return self.A

    def backward(self):
        return self.A - self.Y


class MeanSquaredError:
    def forward(self, A, Y):
        self.A, self.Y = A, Y
        return A

    def backward(self):
        return self.A - self.Y


ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU}


def gradients(net, params, X, Y):
    L = len(net["layers"]) - 1
    layers = []
    for l in range(1, L + 1):
        layers.append(Dense(params["W%d" % l], params["b%d" % l], net["lambda"]))
        if l < L or net["loss"] == "mse":
            layers.append(ACTIVATIONS[net["activations"][l - 1]]())
    loss = BinaryCrossEntropyWithSigmoid() if net["loss"] == "bce" else MeanSquaredError()
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss.forward(out, Y)
    grad = loss.backward()
    for layer in reversed(layers):
        grad = layer.backward(grad)
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    return dict([("dW%d" % l, d.dW) for l, d in enumerate(dense, 1)] +
                [("db%d" % l, d.db) for l, d in enumerate(dense, 1)])


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

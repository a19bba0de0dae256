# expect: wrong_layer_index
# style: nielsen
# bug: the delta is propagated with the weights of the wrong layer: self.weights[-l].transpose()
#      instead of self.weights[-l + 1] (runs only when the widths allow)
"""Nielsen-style backpropagation (network.py / network2.py of "Neural Networks and Deep
Learning"), served to gradfuzz: one example (a column x, y) at a time, nabla_b and nabla_w
accumulated over the batch and averaged, L2 added as network2 does."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.acts import activate, sigmoid  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"],
                losses=["bce", "ce", "mse"], regularization=True)


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def tanh_prime(z):
    return 1 - np.tanh(z) ** 2


def relu_prime(z, slope=0.0):
    return np.where(z > 0, 1.0, slope)


PRIMES = {"sigmoid": lambda z, s: sigmoid_prime(z), "tanh": lambda z, s: tanh_prime(z),
          "relu": lambda z, s: relu_prime(z), "leaky_relu": relu_prime,
          "linear": lambda z, s: np.ones_like(z)}


class QuadraticCost:
    @staticmethod
    def delta(z, a, y, prime):
        return (a - y) * prime(z)


class CrossEntropyCost:  # sigmoid + binary cross-entropy, softmax + log-likelihood
    @staticmethod
    def delta(z, a, y, prime):
        return a - y


class Network:
    def __init__(self, net, params):
        self.num_layers = len(net["layers"])
        self.weights = [params["W%d" % l] for l in range(1, self.num_layers)]
        self.biases = [params["b%d" % l] for l in range(1, self.num_layers)]
        self.acts, self.slope = net["activations"], net["leaky_slope"]
        self.cost = QuadraticCost if net["loss"] == "mse" else CrossEntropyCost

    def prime(self, i):
        return lambda z: PRIMES[self.acts[i]](z, self.slope)

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for i, (b, w) in enumerate(zip(self.biases, self.weights)):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = activate(self.acts[i], z, self.slope)
            activations.append(activation)
        delta = self.cost.delta(zs[-1], activations[-1], y, self.prime(-1))
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = self.prime(-l)(z)
            delta = np.dot(self.weights[-l].transpose(), delta) * sp  # BUG: -l, not -l + 1
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)


def gradients(net, params, X, Y):
    network = Network(net, params)
    m, lmbda = X.shape[1], net["lambda"]
    nabla_b = [np.zeros(b.shape) for b in network.biases]
    nabla_w = [np.zeros(w.shape) for w in network.weights]
    for i in range(m):
        x, y = X[:, [i]], Y[:, [i]]
        delta_nabla_b, delta_nabla_w = network.backprop(x, y)
        nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
        nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
    grads = {}
    for l, (w, nw, nb) in enumerate(zip(network.weights, nabla_w, nabla_b), start=1):
        grads["dW%d" % l] = nw / m + (lmbda / m) * w
        grads["db%d" % l] = nb / m
    return grads


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

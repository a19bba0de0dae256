# expect: output_delta
# style: nielsen
# bug: QuadraticCost.delta returns a - y (CrossEntropyCost's delta) without sigmoid'(z)
"""Nielsen's network2.py backpropagation as in the book (sigmoid neurons, QuadraticCost or
CrossEntropyCost, L2 weight decay), served to gradfuzz: per-example backprop over the columns
of X, nabla_b and nabla_w summed over the mini-batch, then averaged."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.acts import sigmoid  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid"],
                losses=["mse"], regularization=True)


def sigmoid_prime(z):
    """Derivative of the sigmoid function."""
    return sigmoid(z) * (1 - sigmoid(z))


class QuadraticCost(object):
    @staticmethod
    def delta(z, a, y):
        """Error delta from the output layer: C = 0.5 ||a - y||^2."""
        return (a - y)  # BUG: * sigmoid_prime(z) left out


class CrossEntropyCost(object):
    @staticmethod
    def delta(z, a, y):
        """Error delta from the output layer: the sigmoid' cancels."""
        return (a - y)


class Network(object):
    def __init__(self, sizes, weights, biases, cost):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.weights, self.biases = weights, biases
        self.cost = cost

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # feedforward
        activation = x
        activations = [x]  # list to store all the activations, layer by layer
        zs = []  # list to store all the z vectors, layer by layer
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # backward pass
        delta = (self.cost).delta(zs[-1], activations[-1], y)
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def batch_gradient(self, mini_batch, lmbda, n):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        # update_mini_batch steps w -> (1 - eta lmbda / n) w - (eta / len(mini_batch)) nw:
        # the gradient it descends, with n = len(mini_batch), is
        nabla_w = [nw / len(mini_batch) + (lmbda / n) * w for w, nw in zip(self.weights, nabla_w)]
        nabla_b = [nb / len(mini_batch) for nb in nabla_b]
        return nabla_b, nabla_w


def gradients(net, params, X, Y):
    L = len(net["layers"]) - 1
    cost = QuadraticCost if net["loss"] == "mse" else CrossEntropyCost
    network = Network(net["layers"], [params["W%d" % l] for l in range(1, L + 1)],
                      [params["b%d" % l] for l in range(1, L + 1)], cost)
    mini_batch = [(X[:, [i]], Y[:, [i]]) for i in range(X.shape[1])]
    nabla_b, nabla_w = network.batch_gradient(mini_batch, net["lambda"], len(mini_batch))
    grads = {}
    for l in range(1, L + 1):
        grads["dW%d" % l] = nabla_w[l - 1]
        grads["db%d" % l] = nabla_b[l - 1]
    return grads


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

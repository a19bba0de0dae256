"""scikit-learn's MLPClassifier backprop (its own _backprop, not a copy), checked by gradfuzz.

    gradfuzz check --adapter '/usr/bin/python3 adapters/python/examples/sklearn_mlp.py'

scikit-learn keeps examples as rows and W as n_in x n_out, so the adapter transposes on the
way in and out. Its hello says what an MLPClassifier is: one activation for every hidden layer
(identity, logistic, tanh or relu), a logistic output with log loss (bce, any number of units)
or a softmax one with log loss (ce), L2 as alpha / (2 n_samples) ||W||^2 (lambda = alpha), the
mean convention. A two-class problem gets one logistic unit in scikit-learn, never a 2-unit
softmax: such a case is answered `unsupported`. Needs scikit-learn (Debian: python3-sklearn).
"""

import os
import sys

from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gradfuzz_adapter import Unsupported, serve  # noqa: E402

# gradfuzz's activation names, scikit-learn's.
HIDDEN = {"linear": "identity", "sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}
OUTPUT = {"sigmoid": "logistic", "softmax": "softmax"}


def gradients(net, params, X, Y):
    L, g = len(net["layers"]) - 1, net["activations"]
    if g[-1] == "softmax" and net["layers"][-1] == 2:
        raise Unsupported("scikit-learn has one logistic unit for two classes, "
                          "never a 2-unit softmax")
    mlp = MLPClassifier(activation=HIDDEN[g[0]] if L > 1 else "relu", alpha=net["lambda"])
    mlp.coefs_ = [params["W%d" % l].T for l in range(1, L + 1)]
    mlp.intercepts_ = [params["b%d" % l].ravel() for l in range(1, L + 1)]
    mlp.n_layers_ = L + 1
    mlp.out_activation_ = OUTPUT[g[-1]]
    rows, labels = X.T, Y.T
    _, coef_grads, intercept_grads = mlp._backprop(
        rows, labels, [rows] + [None] * L, [None] * L, [None] * L, [None] * L)
    grads = {}
    for l in range(1, L + 1):
        grads["dW%d" % l] = coef_grads[l - 1].T
        grads["db%d" % l] = intercept_grads[l - 1].reshape(-1, 1)
    return grads


if __name__ == "__main__":
    serve(gradients, hidden=list(HIDDEN), output=list(OUTPUT), same_hidden_activation=True,
          losses=["bce", "ce"], name="sklearn_mlp")

"""A hand-written torch.autograd.Function backward, checked by gradfuzz through the helper.

    gradfuzz check --adapter '/usr/bin/python3 adapters/python/examples/torch_autograd_function.py'

LinearTanh computes A = tanh(W X + b) (examples as columns) and writes its own backward.
The network stacks LinearTanh layers under a mean-squared-error cost with L2, and autograd
chains the hand-written backwards; gradfuzz compares the result with finite differences.
--buggy swaps in a classic slip, dZ = dA * (1 - A) instead of dA * (1 - A^2), to show the
finding: gradfuzz names it activation_derivative, the catalogue's tanh_derivative_unsquared
(the slip is in the one backward every layer shares, so under mse it is in the output layer's
delta too). Needs PyTorch (Debian: apt-get install python3-torch).
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gradfuzz_adapter import serve  # noqa: E402

BUGGY = False


class LinearTanh(torch.autograd.Function):
    """A = tanh(W X + b) for X of n_prev x m, W of n x n_prev, b of n x 1."""

    @staticmethod
    def forward(ctx, X, W, b):
        A = torch.tanh(W @ X + b)
        ctx.save_for_backward(X, W, A)
        return A

    @staticmethod
    def backward(ctx, dA):
        X, W, A = ctx.saved_tensors
        dZ = dA * (1 - A) if BUGGY else dA * (1 - A * A)
        dX = W.t() @ dZ
        dW = dZ @ X.t()
        db = dZ.sum(dim=1, keepdim=True)
        return dX, dW, db


def gradients(net, params, X, Y):
    L, m, lambd = len(net["layers"]) - 1, X.shape[1], net["lambda"]
    W = [torch.tensor(params["W%d" % l], requires_grad=True) for l in range(1, L + 1)]
    b = [torch.tensor(params["b%d" % l], requires_grad=True) for l in range(1, L + 1)]
    A = torch.tensor(X)
    for l in range(L):
        A = LinearTanh.apply(A, W[l], b[l])
    J = ((A - torch.tensor(Y)) ** 2).sum() / (2 * m)
    J = J + lambd / (2 * m) * sum((w ** 2).sum() for w in W)
    J.backward()
    grads = {"cost": J.item()}
    for l in range(1, L + 1):
        grads["dW%d" % l] = W[l - 1].grad.numpy()
        grads["db%d" % l] = b[l - 1].grad.numpy()
    return grads


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buggy", action="store_true")
    BUGGY = parser.parse_args().buggy
    torch.set_default_dtype(torch.float64)
    serve(gradients, activations=["tanh"], losses=["mse"],
          name="torch_linear_tanh" + ("_buggy" if BUGGY else ""))

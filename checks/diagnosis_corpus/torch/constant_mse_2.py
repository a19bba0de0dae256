# expect: constant_factor
# style: torch
# bug: MSE.backward returns dJ * 2 * (A - Y) / m, the derivative of (A - Y)^2 without J's 1/2
"""PyTorch with the cost's last step written as torch.autograd.Function subclasses (sigmoid +
binary cross-entropy and softmax + cross-entropy from the logits, mean squared error from the
output), served to gradfuzz: float64, examples as columns; autograd does the layers."""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.torch_util import activate, grads_of, l2, tensors  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "leaky_relu", "linear"],
                losses=["mse"], regularization=True)


class SigmoidBCE(torch.autograd.Function):
    """(1/m) sum -(Y log A + (1 - Y) log(1 - A)), A = sigmoid(Z), from the logits Z."""

    @staticmethod
    def forward(ctx, Z, Y):
        ctx.save_for_backward(torch.sigmoid(Z), Y)
        softplus = torch.nn.functional.softplus
        return (Y * softplus(-Z) + (1 - Y) * softplus(Z)).sum() / Z.shape[1]

    @staticmethod
    def backward(ctx, dJ):
        A, Y = ctx.saved_tensors
        m = A.shape[1]
        return dJ * (A - Y) / m, None


class SoftmaxCE(torch.autograd.Function):
    """-(1/m) sum Y log softmax(Z), the softmax over each column."""

    @staticmethod
    def forward(ctx, Z, Y):
        log_probs = torch.log_softmax(Z, dim=0)
        ctx.save_for_backward(log_probs.exp(), Y)
        return -(Y * log_probs).sum() / Z.shape[1]

    @staticmethod
    def backward(ctx, dJ):
        A, Y = ctx.saved_tensors
        m = A.shape[1]
        return dJ * (A - Y) / m, None


class MSE(torch.autograd.Function):
    """(1/2m) sum (A - Y)^2."""

    @staticmethod
    def forward(ctx, A, Y):
        ctx.save_for_backward(A, Y)
        return 0.5 * ((A - Y) ** 2).sum() / A.shape[1]

    @staticmethod
    def backward(ctx, dJ):
        A, Y = ctx.saved_tensors
        m = A.shape[1]
        return dJ * 2 * (A - Y) / m, None  # BUG: J has the 1/2


def gradients(net, params, X, Y):
    L, m = len(net["layers"]) - 1, X.shape[1]
    W, b, A, Y = tensors(params, X, Y, L)
    for l in range(L):
        Z = W[l] @ A + b[l]
        A = activate(net["activations"][l], Z, net["leaky_slope"])
    if net["loss"] == "bce":
        J = SigmoidBCE.apply(Z, Y)
    elif net["loss"] == "ce":
        J = SoftmaxCE.apply(Z, Y)
    else:
        J = MSE.apply(A, Y)
    J = J + l2(W, net["lambda"], m)
    J.backward()
    return grads_of(W, b)


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

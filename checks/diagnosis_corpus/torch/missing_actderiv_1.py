# expect: missing_activation_derivative
# style: torch
# bug: LinearActivation.backward leaves g' out: dZ = dA for every hidden layer
"""PyTorch with one hand-written torch.autograd.Function per hidden layer, affine map and
activation fused (A = g(W A_prev + b)), served to gradfuzz: float64, examples as columns; the
output layer and the cost are torch operations."""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.torch_util import activate, data_loss, grads_of, l2, tensors  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "softmax"],
                losses=["bce", "ce", "mse"], regularization=True)


class LinearActivation(torch.autograd.Function):
    """A = g(W A_prev + b), g one of sigmoid, tanh, relu."""

    @staticmethod
    def forward(ctx, A_prev, W, b, name):
        Z = W @ A_prev + b
        A = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[name](Z)
        ctx.save_for_backward(A_prev, W, Z, A)
        ctx.name = name
        return A

    @staticmethod
    def backward(ctx, dA):
        A_prev, W, Z, A = ctx.saved_tensors
        dZ = dA  # BUG: g'(Z) left out
        return W.t() @ dZ, dZ @ A_prev.t(), dZ.sum(dim=1, keepdim=True), None


def gradients(net, params, X, Y):
    L, m = len(net["layers"]) - 1, X.shape[1]
    W, b, A, Y = tensors(params, X, Y, L)
    for l in range(L - 1):
        A = LinearActivation.apply(A, W[l], b[l], net["activations"][l])
    Z = W[L - 1] @ A + b[L - 1]
    A = activate(net["activations"][L - 1], Z, net["leaky_slope"])
    J = data_loss(net["loss"], Z, A, Y, m) + l2(W, net["lambda"], m)
    J.backward()
    return grads_of(W, b)


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

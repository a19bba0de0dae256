# expect: transposed
# style: torch
# bug: Linear.backward: dA_prev = W @ dZ instead of W.t() @ dZ (runs only when n[l] == n[l-1])
"""PyTorch with a hand-written torch.autograd.Function for the affine layer, served to
gradfuzz: Z = W A_prev + b (examples as columns), float64; the activations, the cost and the
L2 term are torch operations, and J.backward() chains them with Linear.backward."""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.torch_util import activate, data_loss, grads_of, l2, tensors  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"],
                losses=["bce", "ce", "mse"], regularization=True)


class Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, A_prev, W, b):
        ctx.save_for_backward(A_prev, W)
        return W @ A_prev + b

    @staticmethod
    def backward(ctx, dZ):
        A_prev, W = ctx.saved_tensors
        dA_prev = W @ dZ  # BUG: W, not W.t()
        dW = dZ @ A_prev.t()
        db = dZ.sum(dim=1, keepdim=True)
        return dA_prev, dW, db


def gradients(net, params, X, Y):
    L, m = len(net["layers"]) - 1, X.shape[1]
    W, b, A, Y = tensors(params, X, Y, L)
    for l in range(L):
        Z = Linear.apply(A, W[l], b[l])
        A = activate(net["activations"][l], Z, net["leaky_slope"])
    J = data_loss(net["loss"], Z, A, Y, m) + l2(W, net["lambda"], m)
    J.backward()
    return grads_of(W, b)


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

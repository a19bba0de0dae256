# expect: pass
# style: torch
# bug: none: Sigmoid, Tanh and (Leaky)ReLU Functions with backward from the saved output or input
"""PyTorch with hand-written torch.autograd.Function activations (each saves what its backward
needs with ctx.save_for_backward), served to gradfuzz: float64, examples as columns, the affine
layers and the cost are torch operations."""

import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from common.torch_util import data_loss, grads_of, l2, tensors  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402

SUPPORTS = dict(activations=["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"],
                losses=["bce", "ce", "mse"], regularization=True)


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, Z):
        A = torch.sigmoid(Z)
        ctx.save_for_backward(A)
        return A

    @staticmethod
    def backward(ctx, dA):
        A, = ctx.saved_tensors
        return dA * A * (1 - A)


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, Z):
        A = torch.tanh(Z)
        ctx.save_for_backward(A)
        return A

    @staticmethod
    def backward(ctx, dA):
        A, = ctx.saved_tensors
        return dA * (1 - A * A)


class LeakyReLU(torch.autograd.Function):  # slope 0 is the relu
    @staticmethod
    def forward(ctx, Z, slope):
        ctx.save_for_backward(Z)
        ctx.slope = slope
        return torch.where(Z > 0, Z, slope * Z)

    @staticmethod
    def backward(ctx, dA):
        Z, = ctx.saved_tensors
        return dA * torch.where(Z > 0, torch.ones_like(Z), ctx.slope * torch.ones_like(Z)), None


def activation(name, Z, slope):
    if name == "sigmoid":
        return Sigmoid.apply(Z)
    if name == "tanh":
        return Tanh.apply(Z)
    if name in ("relu", "leaky_relu"):
        return LeakyReLU.apply(Z, slope if name == "leaky_relu" else 0.0)
    if name == "softmax":
        return torch.softmax(Z, dim=0)
    return Z


def gradients(net, params, X, Y):
    L, m = len(net["layers"]) - 1, X.shape[1]
    W, b, A, Y = tensors(params, X, Y, L)
    for l in range(L):
        Z = W[l] @ A + b[l]
        A = activation(net["activations"][l], Z, net["leaky_slope"])
    J = data_loss(net["loss"], Z, A, Y, m) + l2(W, net["lambda"], m)
    J.backward()
    return grads_of(W, b)


if __name__ == "__main__":
    serve(gradients, convention="mean", **SUPPORTS)

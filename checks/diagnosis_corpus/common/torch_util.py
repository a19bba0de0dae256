"""Helpers shared by the torch-style files: tensors from the request, the activations in
torch ops (autograd differentiates them), the cost J, and the gradients back as NumPy."""

import torch

torch.set_default_dtype(torch.float64)


def tensors(params, X, Y, L):
    W = [torch.tensor(params["W%d" % l], dtype=torch.float64, requires_grad=True)
         for l in range(1, L + 1)]
    b = [torch.tensor(params["b%d" % l], dtype=torch.float64, requires_grad=True)
         for l in range(1, L + 1)]
    return W, b, torch.tensor(X, dtype=torch.float64), torch.tensor(Y, dtype=torch.float64)


def activate(name, Z, slope):
    if name == "sigmoid":
        return torch.sigmoid(Z)
    if name == "tanh":
        return torch.tanh(Z)
    if name == "relu":
        return torch.relu(Z)
    if name == "leaky_relu":
        return torch.nn.functional.leaky_relu(Z, slope)
    if name == "linear":
        return Z
    if name == "softmax":
        return torch.softmax(Z, dim=0)
    raise ValueError("unknown activation " + name)


def data_loss(loss, ZL, AL, Y, m):
    """(1/m) sum of the per-example losses, from the logits where that is stable."""
    if loss == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(ZL, Y, reduction="sum") / m
    if loss == "ce":
        return -(Y * torch.log_softmax(ZL, dim=0)).sum() / m
    return 0.5 * ((AL - Y) ** 2).sum() / m


def l2(W, lambd, m):
    return lambd / (2 * m) * sum((w ** 2).sum() for w in W)


def grads_of(W, b):
    grads = {}
    for l, (w, bias) in enumerate(zip(W, b), start=1):
        grads["dW%d" % l] = w.grad.detach().numpy()
        grads["db%d" % l] = bias.grad.detach().numpy()
    return grads

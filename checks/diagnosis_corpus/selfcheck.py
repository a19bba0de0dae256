#!/usr/bin/env python3
"""Check every corpus file's gradients() against derivatives of J, without gradfuzz.

    /usr/bin/python3 checks/diagnosis_corpus/selfcheck.py [FILE ...] [--nets N] [--seed S]

Each file declares SUPPORTS (what it passes to serve()) and only serves under __main__, so it
can be imported. For each file, N random networks are drawn inside its declared space (depths
1-3, widths 1-6, batches 1-8, equal widths now and then, L2 on and off, soft and hard labels,
weights from small to saturating), and each gradient is compared with complex-step derivatives
of J, computed here from scratch. A file tagged `# expect: pass` must match on every network; a
buggy file must differ (wrong values, wrong shape or an exception) on at least one. Exits 1
if any file does not behave as its tag says.
"""

import argparse
import glob
import importlib.util
import os
import sys
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "adapters", "python"))
sys.path.insert(0, HERE)


# ---- J, written independently of every file in the corpus -------------------------------
# Everything below takes complex arguments, so that the derivatives can be taken by the complex
# step, J'(p) = Im J(p + ih) / h with h = 1e-30: no subtractive cancellation, exact to rounding,
# so that even a bug worth 1e-7 of a gradient entry (clipping a saturated prediction) shows.
def _where_pos(Z, a, b):
    return np.where(Z.real > 0, a, b)


def _softplus(x):  # log(1 + e^x), stable on both sides
    pos = _where_pos(x, x, 0)
    neg = _where_pos(x, 0, x)
    return _where_pos(x, x + np.log1p(np.exp(-pos)), np.log1p(np.exp(neg)))


def _act(name, Z, slope):
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * Z))
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return _where_pos(Z, Z, 0)
    if name == "leaky_relu":
        return _where_pos(Z, Z, slope * Z)
    if name == "linear":
        return Z.copy()
    if name == "softmax":
        E = np.exp(Z - Z.real.max(axis=0))
        return E / E.sum(axis=0)
    raise ValueError(name)


def cost(net, params, X, Y):
    L, m = len(net["layers"]) - 1, X.shape[1]
    A = X
    for l in range(1, L + 1):
        Z = params["W%d" % l] @ A + params["b%d" % l]
        A = _act(net["activations"][l - 1], Z, net["leaky_slope"])
    if net["loss"] == "bce":  # -(y log a + (1-y) log(1-a)) = y softplus(-z) + (1-y) softplus(z)
        total = np.sum(Y * _softplus(-Z) + (1 - Y) * _softplus(Z))
    elif net["loss"] == "ce":
        s = Z - Z.real.max(axis=0)
        total = -np.sum(Y * (s - np.log(np.exp(s).sum(axis=0))))
    else:
        total = 0.5 * np.sum((A - Y) ** 2)
    reg = sum(np.sum(params["W%d" % l] ** 2) for l in range(1, L + 1))
    return total / m + net["lambda"] / (2 * m) * reg


def numeric(net, params, X, Y, h=1e-30):
    P = {k: v.astype(complex) for k, v in params.items()}
    out = {}
    for key in params:
        G = np.zeros(params[key].shape)
        for idx in np.ndindex(G.shape):
            P[key][idx] += 1j * h
            G[idx] = cost(net, P, X, Y).imag / h
            P[key][idx] -= 1j * h
        out["d" + key] = G
    return out


# ---- networks inside a declared space ---------------------------------------------------
def draw(rng, supports):
    acts = supports.get("activations") or ["sigmoid", "tanh", "relu", "leaky_relu", "linear",
                                           "softmax"]
    losses = supports.get("losses") or ["bce", "ce", "mse"]
    hidden = [a for a in acts if a != "softmax"]
    options = []
    if "bce" in losses and "sigmoid" in acts:
        options.append(("bce", ["sigmoid"]))
    if "ce" in losses and "softmax" in acts:
        options.append(("ce", ["softmax"]))
    if "mse" in losses and hidden:
        options.append(("mse", hidden))
    loss, outs = options[rng.integers(len(options))]
    L = int(rng.integers(1, 4)) if hidden else 1
    nL = int(rng.integers(2, 5)) if loss == "ce" else int(rng.integers(1, 4))
    if rng.random() < 0.3:  # equal widths, so that code which only runs then does run
        w = max(nL, int(rng.integers(1, 7)))
        sizes = [w] * (L + 1)
        nL = w
    else:
        sizes = [int(rng.integers(1, 7)) for _ in range(L)] + [nL]
    activations = [hidden[rng.integers(len(hidden))] for _ in range(L - 1)]
    activations.append(outs[rng.integers(len(outs))])
    regularized = supports.get("regularization", True) and rng.random() < 0.6
    net = {"layers": sizes, "activations": activations, "loss": loss,
           "lambda": float(rng.uniform(0.1, 2.0)) if regularized else 0.0,
           "leaky_slope": float(rng.choice([0.01, 0.05, 0.3]))}
    m = int(rng.integers(1, 9))
    scale = float(rng.choice([0.3, 1.0, 2.0, 6.0]))
    params = {}
    for l in range(1, L + 1):
        params["W%d" % l] = rng.normal(0, scale, (sizes[l], sizes[l - 1]))
        params["b%d" % l] = rng.normal(0, scale, (sizes[l], 1))
    X = rng.normal(0, 1, (sizes[0], m))
    soft = rng.random() < 0.5
    if loss == "bce":
        Y = rng.uniform(0, 1, (nL, m)) if soft else rng.integers(0, 2, (nL, m)).astype(float)
    elif loss == "ce":
        Y = (rng.dirichlet(np.ones(nL), m).T if soft
             else np.eye(nL)[rng.integers(0, nL, m)].T.copy())
    else:
        Y = rng.normal(0, 1, (nL, m))
    return net, params, X, Y


def rel(a, b):
    d = np.linalg.norm(a - b)
    s = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if s == 0 else d / s


def compare(module, net, params, X, Y):
    """None when every gradient matches, else a short reason."""
    copies = {k: v.copy() for k, v in params.items()}
    try:
        claimed = module.gradients(dict(net), copies, X.copy(), Y.copy())
    except Exception as exc:  # noqa: BLE001 - a crash is a difference too
        return "raised %s: %s" % (type(exc).__name__, exc)
    ref = numeric(net, {k: v.copy() for k, v in params.items()}, X, Y)
    for key, n in ref.items():
        if key not in claimed:
            return "no %s" % key
        g = np.asarray(claimed[key], dtype=float)
        if g.shape != n.shape:
            return "%s has shape %s, not %s" % (key, g.shape, n.shape)
        if not np.all(np.isfinite(g)):
            return "%s is not finite" % key
        e = rel(g, n)
        if e > 1e-7 and np.max(np.abs(g - n)) > 1e-11 * (1 + np.max(np.abs(n))):
            return "%s differs: relative error %.3g" % (key, e)
    return None


def expectation(path):
    with open(path) as f:
        for line in f:
            if line.startswith("# expect:"):
                return line.split(":", 1)[1].strip()
    return None


def load(path):
    name = "corpus_" + os.path.relpath(path, HERE).replace(os.sep, "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--nets", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    files = args.files or sorted(f for f in glob.glob(os.path.join(HERE, "*", "*.py"))
                                 if expectation(f))
    bad = 0
    for path in files:
        expect = expectation(path)
        try:
            module = load(path)
        except Exception:  # noqa: BLE001
            print("%-55s LOAD ERROR\n%s" % (path, traceback.format_exc()))
            bad += 1
            continue
        rng = np.random.default_rng(args.seed)
        reasons = []
        for _ in range(args.nets):
            net, params, X, Y = draw(rng, module.SUPPORTS)
            reason = compare(module, net, params, X, Y)
            if reason:
                reasons.append((reason, net))
        if expect == "pass":
            ok = not reasons
            detail = "matches on %d nets" % args.nets if ok else "%s on %s" % reasons[0][::-1]
        else:
            ok = bool(reasons)
            detail = ("differs on %d/%d nets, e.g. %s" % (len(reasons), args.nets, reasons[0][0])
                      if ok else "never differs on %d nets" % args.nets)
        bad += not ok
        print("%-4s %-50s %-40s %s" % ("ok" if ok else "BAD", os.path.relpath(path, HERE),
                                       expect, detail))
    print("%d file(s) checked, %d not as tagged" % (len(files), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

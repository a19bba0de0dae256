#!/usr/bin/python3
"""Times gradfuzz's full central-difference check against the tools people use today, in one run
on the same networks, weights and batches:

  (a) the course's gradient_check_n (Deep Learning Specialization, course 2), written here in
      NumPy as the course writes it: dictionary_to_vector, then for every parameter two full
      forward propagations, then the relative difference of the two gradient vectors;
  (b) torch.autograd.gradcheck in float64 (one full numerical Jacobian of J, every parameter).

Each network is what `gradfuzz check --builtin reference --layers ... --activations tanh,tanh,
sigmoid --loss bce --batch m --cases 1 --seed 1` checks. The case (weights, X, Y) is taken from
gradfuzz itself: the same command run with a capturing adapter (bench/capture_case.py) saves it.

    /usr/bin/python3 bench/compare_tools.py [--gradfuzz build/gradfuzz] [--skip-large]
                                            [--repeat N]

Prints one row per network with the seconds each tool took and the ratios tool / gradfuzz, and
gradfuzz's peak memory on each network (/usr/bin/time -v).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NETWORKS = [
    ("5-4-3-1", [5, 4, 3, 1], 8),
    ("64-32-16-4", [64, 32, 16, 4], 64),
    ("784-128-64-10", [784, 128, 64, 10], 64),
]
ACTIVATIONS = ["tanh", "tanh", "sigmoid"]


def campaign_args(layers, m):
    return ["--layers", ",".join(map(str, layers)), "--activations", ",".join(ACTIVATIONS),
            "--loss", "bce", "--batch", str(m), "--cases", "1", "--seed", "1", "--quiet"]


def capture_case(gradfuzz, layers, m, workdir):
    out = os.path.join(workdir, "case-%s.npz" % "-".join(map(str, layers)))
    adapter = "/usr/bin/python3 %s %s" % (os.path.join(HERE, "capture_case.py"), out)
    subprocess.run([gradfuzz, "check", "--adapter", adapter] + campaign_args(layers, m),
                   check=True, stdout=subprocess.DEVNULL)
    data = np.load(out)
    net = json.loads(str(data["net"]))
    L = len(net["layers"]) - 1
    params = {}
    for l in range(1, L + 1):
        params["W%d" % l] = data["W%d" % l]
        params["b%d" % l] = data["b%d" % l]
    return net, params, data["X"], data["Y"]


def time_gradfuzz(gradfuzz, layers, m, repeat):
    args = [gradfuzz, "check", "--builtin", "reference"] + campaign_args(layers, m)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    timed = subprocess.run(["/usr/bin/time", "-v"] + args, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr)
    return best, int(peak.group(1)) if peak else -1


# ---- (a) the course's gradient_check_n, in NumPy --------------------------------------------

def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def forward_propagation_n(X, Y, parameters, net):
    """The cost J of the network, as the course's forward_propagation_n computes it."""
    L = len(net["layers"]) - 1
    m = X.shape[1]
    A = X
    for l in range(1, L + 1):
        Z = np.dot(parameters["W%d" % l], A) + parameters["b%d" % l]
        A = np.tanh(Z) if net["activations"][l - 1] == "tanh" else sigmoid(Z)
    logprobs = np.multiply(-np.log(A), Y) + np.multiply(-np.log(1 - A), 1 - Y)
    cost = 1.0 / m * np.sum(logprobs)
    l2 = sum(np.sum(np.square(parameters["W%d" % l])) for l in range(1, L + 1))
    return cost + net["lambda"] / (2 * m) * l2


def dictionary_to_vector(parameters, keys):
    return np.concatenate([parameters[k].reshape(-1, 1) for k in keys], axis=0)


def vector_to_dictionary(theta, shapes):
    parameters, at = {}, 0
    for key, shape in shapes:
        size = shape[0] * shape[1]
        parameters[key] = theta[at:at + size].reshape(shape)
        at += size
    return parameters


def gradient_check_n(parameters, gradients, X, Y, net, epsilon=1e-7):
    L = len(net["layers"]) - 1
    keys = [k for l in range(1, L + 1) for k in ("W%d" % l, "b%d" % l)]
    shapes = [(k, parameters[k].shape) for k in keys]
    parameters_values = dictionary_to_vector(parameters, keys)
    grad = dictionary_to_vector({k: gradients["d" + k] for k in keys}, keys)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i][0] = theta_plus[i][0] + epsilon
        J_plus[i] = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus, shapes), net)
        theta_minus = np.copy(parameters_values)
        theta_minus[i][0] = theta_minus[i][0] - epsilon
        J_minus[i] = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus, shapes), net)
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return numerator / denominator


def time_numpy(net, params, X, Y):
    sys.path.insert(0, os.path.join(ROOT, "adapters", "python", "examples"))
    from course_numpy import backward  # the claimed gradients gradient_check_n compares with
    start = time.perf_counter()
    difference = gradient_check_n(params, backward(net, params, X, Y), X, Y, net)
    return time.perf_counter() - start, difference


# ---- (b) torch.autograd.gradcheck, float64 ---------------------------------------------------

def time_torch(net, params, X, Y):
    import torch
    L = len(net["layers"]) - 1
    m = X.shape[1]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    inputs = []
    for l in range(1, L + 1):
        inputs.append(torch.from_numpy(params["W%d" % l].copy()).requires_grad_())
        inputs.append(torch.from_numpy(params["b%d" % l].copy()).requires_grad_())

    def cost(*ps):
        A = Xt
        for l in range(1, L + 1):
            Z = ps[2 * l - 2] @ A + ps[2 * l - 1]
            A = torch.tanh(Z) if net["activations"][l - 1] == "tanh" else torch.sigmoid(Z)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(Z, Yt, reduction="sum") / m
        return loss + net["lambda"] / (2 * m) * sum((W * W).sum() for W in ps[0::2])

    start = time.perf_counter()
    ok = torch.autograd.gradcheck(cost, tuple(inputs), eps=1e-6, atol=1e-6, rtol=1e-4)
    return time.perf_counter() - start, ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gradfuzz", default=os.path.join(ROOT, "build", "gradfuzz"))
    parser.add_argument("--skip-large", action="store_true",
                        help="leave out 784-128-64-10 (NumPy and torch take minutes on it)")
    parser.add_argument("--repeat", type=int, default=3, help="gradfuzz runs per network (best)")
    args = parser.parse_args()
    print("machine: %d core(s), load average %s" % (os.cpu_count(),
                                                    " ".join(map(str, os.getloadavg()))))
    header = "%-15s %9s %7s | %10s %8s %9s | %10s %8s %6s | %s" % (
        "network", "params", "m", "gradfuzz s", "peak MB", "numpy s", "ratio", "torch s",
        "ratio", "numpy difference, gradcheck")
    print(header)
    with tempfile.TemporaryDirectory() as workdir:
        for name, layers, m in NETWORKS:
            if args.skip_large and layers[0] == 784:
                continue
            net, params, X, Y = capture_case(args.gradfuzz, layers, m, workdir)
            count = sum(p.size for p in params.values())
            g, peak = time_gradfuzz(args.gradfuzz, layers, m, args.repeat)
            n, difference = time_numpy(net, params, X, Y)
            t, ok = time_torch(net, params, X, Y)
            print("%-15s %9d %7d | %10.4f %8.1f %9.2f | %9.1fx %8.2f %5.1fx | %.1e, %s" % (
                name, count, m, g, peak / 1024, n, n / g, t, t / g, difference, ok), flush=True)


if __name__ == "__main__":
    main()

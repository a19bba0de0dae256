"""A correct adapter whose code handles only some networks, and says so in hello (protocol 1.1).

--needs picks what the code handles; with --old-hello it declares only what version 1 could
(its activations and losses), so gradfuzz draws networks the code cannot take and it raises:
  hidden_output   hidden layers relu or tanh, a sigmoid output, bce: hidden_activations and
                  output_activations apart (version 1's one list would allow a sigmoid hidden)
  same_hidden     one activation for every hidden layer: same_hidden_activation
  depth           exactly three layers (the course's gradient checking code): depth 3
  depth_range     two to four layers: depth [2, 4]
  output_units    one output unit (a binary head): output_units 1
  max_width       layers of up to 3 units: max_width 3
  max_batch       batches of up to 2: max_batch 2
  hard_labels     0/1 and one-hot labels only (integer class labels): labels "hard"
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from correct import backprop, serve  # noqa: E402

NEEDS = {
    "hidden_output": dict(hidden=["relu", "tanh"], output=["sigmoid"], losses=["bce"]),
    "same_hidden": dict(same_hidden_activation=True),
    "depth": dict(depth=3),
    "depth_range": dict(depth=(2, 4)),
    "output_units": dict(output_units=1),
    "max_width": dict(max_width=3),
    "max_batch": dict(max_batch=2),
    "hard_labels": dict(labels="hard"),
}


def refuses(need, net, X, Y):
    """Why the code cannot take this case, or None."""
    L, sizes, g = len(net["layers"]) - 1, net["layers"], net["activations"]
    if need == "hidden_output" and (any(a not in ("relu", "tanh") for a in g[:-1]) or
                                    g[-1] != "sigmoid" or net["loss"] != "bce"):
        return "only relu or tanh hidden layers and a sigmoid output with bce, not %s" % g
    if need == "same_hidden" and len(set(g[:-1])) > 1:
        return "one activation for every hidden layer, not %s" % g[:-1]
    if need == "depth" and L != 3:
        return "exactly 3 layers, not %d" % L
    if need == "depth_range" and not 2 <= L <= 4:
        return "2 to 4 layers, not %d" % L
    if need == "output_units" and sizes[-1] != 1:
        return "one output unit, not %d" % sizes[-1]
    if need == "max_width" and max(sizes) > 3:
        return "layers of at most 3 units, not %s" % sizes
    if need == "max_batch" and X.shape[1] > 2:
        return "batches of at most 2, not %d" % X.shape[1]
    if need == "hard_labels" and net["loss"] != "mse" and not np.all((Y == 0) | (Y == 1)):
        return "integer class labels only, not soft ones"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", required=True, choices=sorted(NEEDS))
    parser.add_argument("--old-hello", action="store_true")
    args = parser.parse_args()
    declared = dict(NEEDS[args.needs])
    if args.old_hello:  # what version 1 could say: one list of activations, the losses
        declared = {k: v for k, v in declared.items() if k == "losses"}
        if args.needs == "hidden_output":
            declared["activations"] = ["relu", "tanh", "sigmoid"]

    def gradients(net, params, X, Y):
        why = refuses(args.needs, net, X, Y)
        if why:
            raise ValueError("this code handles " + why)
        return backprop(net, params, X, Y)

    serve(gradients, name="declared_" + args.needs, **declared)


if __name__ == "__main__":
    main()

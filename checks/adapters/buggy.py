"""correct.py with one thing wrong, chosen by --bug:
  error        raises for networks of 2 layers or more (an error reply: adapter_error)
  nan          dW1(0,0) is NaN, sent as a bare NaN token (non_finite)
  flat_db      db<l> as a 1-D array, np.sum without keepdims (a shape finding)
  scalar_db    db<l> as a single number (a shape finding)
  no_inv_m     dW and db without 1/m (missing_inv_m)
  cost_no_l2   right gradients, but its cost (hello "cost": true) leaves out the L2 term
  cost_no_inv_m  right gradients, but its cost sums the loss over the batch (no 1/m)
  cost_over_units  right gradients, but its cost is a mean over every entry: the loss is also
                 divided by nL, the output units (scikit-learn's squared loss does this)
  layer1_unsquared  sends intermediates; layer 1 (only) uses 1 - A1 for tanh's derivative
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from correct import backprop, cost, serve, slope_of  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bug", required=True)
    bug = parser.parse_args().bug

    def gradients(net, params, X, Y):
        L, m = len(net["layers"]) - 1, X.shape[1]
        if bug == "error" and L >= 2:
            print("buggy.py: about to fail on %d layers" % L)  # goes to stderr
            raise ValueError("cannot handle %d layers" % L)
        if bug == "layer1_unsquared":
            def derivative(l, g, Z, A, slope):
                return 1 - A if (l == 1 and g == "tanh") else slope_of(g, Z, A, slope)
            return backprop(net, params, X, Y, intermediates=True, derivative=derivative)
        out = backprop(net, params, X, Y)
        for l in range(1, L + 1):
            if bug == "flat_db":
                out["db%d" % l] = out["db%d" % l].ravel()
            elif bug == "scalar_db":
                out["db%d" % l] = float(out["db%d" % l].sum())
            elif bug == "no_inv_m":
                out["dW%d" % l] = out["dW%d" % l] * m
                out["db%d" % l] = out["db%d" % l] * m
        if bug == "nan":
            out["dW1"][0, 0] = float("nan")
        return out

    def wrong_cost(net, params, X, Y):
        J = cost(net, params, X, Y)
        L, m = len(net["layers"]) - 1, X.shape[1]
        l2 = net["lambda"] / (2 * m) * sum((params["W%d" % l] ** 2).sum() for l in range(1, L + 1))
        if bug == "cost_over_units":
            return (J - l2) / net["layers"][-1] + l2
        return J - l2 if bug == "cost_no_l2" else m * (J - l2) + l2

    serve(gradients, name="buggy_" + bug, intermediates=bug == "layer1_unsquared",
          cost=wrong_cost if bug.startswith("cost_") else None)


if __name__ == "__main__":
    main()

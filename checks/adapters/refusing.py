"""A correct adapter that answers `unsupported` (protocol 1.1) for the cases --refuse names:
  linear_output   networks with a linear output layer ("this code has no linear output"): a
                  few of the cases drawn, so the campaign passes with them skipped
  not_depth_3     every network but three-layer ones: most of the cases drawn, so the run stops
                  with status 2 and says that `depth` would describe the code
  everything      every case, each with its own reason (a number in it)
  one_layer_no_inv_m  one-layer networks, and its gradients lack the 1/m on the others: the
                  failure is shrunk to the smallest network it answers, never onto a refusal
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from correct import backprop, serve  # noqa: E402
import gradfuzz_adapter  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--refuse", required=True,
                        choices=["linear_output", "not_depth_3", "everything",
                                 "one_layer_no_inv_m"])
    refuse = parser.parse_args().refuse
    asked = [0]

    def gradients(net, params, X, Y):
        asked[0] += 1
        L = len(net["layers"]) - 1
        if refuse == "linear_output" and net["activations"][-1] == "linear":
            raise gradfuzz_adapter.Unsupported("this code has no linear output")
        if refuse == "not_depth_3" and L != 3:
            raise gradfuzz_adapter.Unsupported("this code has three layers, not %d" % L)
        if refuse == "everything":
            raise gradfuzz_adapter.Unsupported("request number %d: no" % asked[0])
        if refuse == "one_layer_no_inv_m":
            if L == 1:
                raise gradfuzz_adapter.Unsupported("this code needs a hidden layer")
            return backprop(net, params, X, Y, convention="sum")  # claims mean: no 1/m
        return backprop(net, params, X, Y)

    serve(gradients, name="refusing_" + refuse)


if __name__ == "__main__":
    main()

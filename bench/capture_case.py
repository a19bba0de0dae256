"""A gradfuzz adapter that saves the case it is asked about, so that other tools can be timed
on exactly the network, weights and batch gradfuzz checks:

    gradfuzz check --adapter '/usr/bin/python3 bench/capture_case.py OUT.npz' --cases 1 ...

It answers with the course's NumPy backprop (adapters/python/examples/course_numpy.py) and
writes the first request's net, W<l>, b<l>, X and Y to OUT.npz.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "adapters", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "adapters", "python", "examples"))
from course_numpy import backward  # noqa: E402
from gradfuzz_adapter import serve  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: capture_case.py OUT.npz")
    out = sys.argv[1]
    saved = []

    def gradients(net, params, X, Y):
        if not saved:
            np.savez(out, net=json.dumps(net), X=X, Y=Y, **params)
            saved.append(out)
        return backward(net, params, X, Y)

    serve(gradients, name="capture_case")


if __name__ == "__main__":
    main()

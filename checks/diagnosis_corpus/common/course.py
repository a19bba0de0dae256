"""The course's forward pass (Andrew Ng's deep-learning course, "Building your Deep Neural
Network: Step by Step"), shared by the course-style files: each cache is ((A_prev, W, b), Z)."""

import numpy as np

from .acts import activate


def linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    cache = (A_prev, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation, slope=0.01):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = activate(activation, Z, slope)
    cache = (linear_cache, Z)
    return A, cache


def L_model_forward(X, parameters, activations, slope=0.01):
    caches = []
    A = X
    L = len(activations)
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)],
                                             activations[l - 1], slope)
        caches.append(cache)
    return A, caches

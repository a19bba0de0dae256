#pragma once
// Cases the checks build by hand or from one fixed recipe, shared by several test files.

#include <cstdint>

#include "gradfuzz/recipe.hpp"

namespace gradfuzz::checks {

/// Linear regression by hand: one layer 2-1 linear mse, m = 2.
///   Z = [0.5 -1] [[1 2] [3 4]] + 0.25 = [-2.25 -2.75],  A - Y = dZ = [-3.25 -2.75]
///   loss_sum = (3.25^2 + 2.75^2) / 2 = 9.0625,  J = 9.0625 / 2 (+ the L2 term)
inline Case linear_case(double lambda = 0) {
  Case c;
  c.spec.sizes = {2, 1};
  c.spec.activations = {Activation::linear};
  c.spec.loss = Loss::mse;
  c.spec.lambda = lambda;
  c.W = {arma::mat{{0.5, -1.0}}};
  c.b = {arma::mat(1, 1, arma::fill::value(0.25))};
  c.X = arma::mat{{1, 2}, {3, 4}};
  c.Y = arma::mat{{1, 0}};
  return c;
}

/// The course's network: 3-4-1 tanh,sigmoid bce, m = 5.
inline Case course_case(std::uint64_t seed = 1) {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = {Activation::tanh, Activation::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = 5;
  r.seed = seed;
  return make_case(r);
}

}  // namespace gradfuzz::checks

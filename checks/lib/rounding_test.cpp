#include "gradfuzz/rounding.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "gradfuzz/fuzz/generators.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

// |sum| <= sum |.|: each magnitude bounds the gradient entry it belongs to, in both conventions.
RC_GTEST_PROP(Rounding, MagnitudesBoundTheGradientsTheyDescribe, ()) {
  const Case c = make_case(*case_recipes(GeneratorOptions{}));
  for (Convention convention : {Convention::mean, Convention::sum}) {
    const Gradients magnitude = rounding_magnitudes(c, convention);
    const Gradients exact = ReferenceBackprop(convention).gradients(c);
    RC_ASSERT(magnitude.size() == exact.size());
    for (const auto& [q, g] : exact) {
      const arma::mat& bound = magnitude.at(q);
      RC_ASSERT(arma::size(bound) == arma::size(g));
      RC_ASSERT(arma::all(arma::vectorise(arma::abs(g)) <=
                          arma::vectorise(bound) * (1 + 1e-12) + 1e-300));
    }
  }
}

TEST(Rounding, ASaturatedSoftmaxKeepsItsRoundingFloor) {
  // A - Y cancels to ~1e-18 here, but computing it costs an error of ~eps: the bound says so.
  Case c;
  c.spec.sizes = {1, 2};
  c.spec.activations = {Activation::softmax};
  c.spec.loss = Loss::ce;
  c.W = {arma::mat(arma::colvec{40.0, -40.0})};
  c.b = {arma::mat(2, 1, arma::fill::zeros)};
  c.X = arma::mat(1, 1, arma::fill::ones);
  c.Y = arma::mat(arma::colvec{1.0, 0.0});
  validate(c);
  const Gradients magnitude = rounding_magnitudes(c, Convention::mean);
  EXPECT_GE(magnitude.at(Quantity::dZ(1))(0, 0), 1.0);
  const Gradients exact = ReferenceBackprop().gradients(c);
  EXPECT_LT(std::abs(exact.at(Quantity::dZ(1))(1, 0)), 1e-30);
}

}  // namespace
}  // namespace gradfuzz

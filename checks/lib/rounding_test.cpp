#include "gradfuzz/rounding.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "gradfuzz/compare.hpp"
#include "gradfuzz/fuzz/generators.hpp"
#include "gradfuzz/recipe.hpp"
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

TEST(Rounding, ErrorsOfErrorsAreSecondOrder) {
  // Forward rounding errors move g'(Z) by eps |g''| eZ, which multiplies dA's size, not dA's own
  // error bound (that product is eps^2). Compounding them grew the bound by the product of the
  // layer widths: on 784-128-64-10 the dW1 bound was 1e12 times the gradient, so 64 eps of it
  // let errors of the gradient's own size pass. First order, the rounding allowance (64 ulps of
  // the bound) stays below the relative tolerance (1e-7 of the largest entry) on this network.
  CaseRecipe r;
  r.spec.sizes = {784, 128, 64, 10};
  r.spec.activations = {Activation::tanh, Activation::tanh, Activation::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = 64;
  r.seed = 1;
  const Case c = make_case(r);
  const Gradients magnitude = rounding_magnitudes(c, Convention::mean);
  const Gradients exact = ReferenceBackprop().gradients(c);
  for (const auto& [q, g] : exact) {
    const double bound = magnitude.at(q).max(), size = arma::abs(g).max();
    const Tolerance t;
    EXPECT_LT(t.ulps * t.epsilon * bound, t.rtol * size)
        << q.name() << ": bound " << bound << ", gradient " << size;
  }
}

}  // namespace
}  // namespace gradfuzz

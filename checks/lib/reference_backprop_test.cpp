#include "gradfuzz/reference_backprop.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>

#include "case_gen.hpp"
#include "gradfuzz/check.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/rounding.hpp"
#include "hand_cases.hpp"

namespace gradfuzz {
namespace {

using checks::linear_case;

using A = Activation;

bool near(const arma::mat& a, const arma::mat& b, double tol) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols && arma::approx_equal(a, b, "absdiff", tol);
}

// ||a - b|| <= tol ||b||, shapes equal.
bool relatively_near(const arma::mat& a, const arma::mat& b, double tol) {
  return a.n_rows == b.n_rows && a.n_cols == b.n_cols &&
         arma::norm(a - b, "fro") <= tol * arma::norm(b, "fro");
}

TEST(ReferenceBackprop, LinearRegressionByHand) {
  ReferenceBackprop mean;
  const Gradients g = mean.gradients(linear_case(0));
  // dW = (1/m) dZ X^T = [(-3.25 - 5.5) (-9.75 - 11)] / 2, db = (1/m) sum dZ = -6 / 2
  EXPECT_TRUE(near(g.at(Quantity::dZ(1)), arma::mat{{-3.25, -2.75}}, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::dW(1)), arma::mat{{-4.375, -10.375}}, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::db(1)), arma::mat(1, 1, arma::fill::value(-3.0)), 1e-15));
  // dA0 = W^T dZ, per example.
  EXPECT_TRUE(near(g.at(Quantity::dA(0)), arma::mat{{-1.625, -1.375}, {3.25, 2.75}}, 1e-15));
}

TEST(ReferenceBackprop, RegularizationAddsLambdaOverMTimesW) {
  ReferenceBackprop mean, sum(Convention::sum);
  const Case c = linear_case(0.5);
  // (lambda / m) W = 0.25 [0.5 -1] in the mean convention, lambda W in the sum convention.
  EXPECT_TRUE(near(mean.gradients(c).at(Quantity::dW(1)),
                   arma::mat{{-4.375 + 0.125, -10.375 - 0.25}}, 1e-15));
  EXPECT_TRUE(
      near(sum.gradients(c).at(Quantity::dW(1)), arma::mat{{-8.75 + 0.25, -20.75 - 0.5}}, 1e-15));
  // Biases are not regularized.
  EXPECT_TRUE(
      near(mean.gradients(c).at(Quantity::db(1)), arma::mat(1, 1, arma::fill::value(-3.0)), 1e-15));
}

TEST(ReferenceBackprop, TheCoursesEquationsForTanhThenSigmoid) {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = {A::tanh, A::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = 5;
  r.seed = 1;
  const Case c = make_case(r);
  const ForwardPass f = forward(c);
  const arma::mat dZ2 = f.A[2] - c.Y;
  const arma::mat dW2 = dZ2 * f.A[1].t() / 5;
  const arma::mat db2 = arma::sum(dZ2, 1) / 5;
  const arma::mat dZ1 = (c.W[1].t() * dZ2) % (1 - arma::square(f.A[1]));
  const arma::mat dW1 = dZ1 * c.X.t() / 5;
  const arma::mat db1 = arma::sum(dZ1, 1) / 5;
  ReferenceBackprop reference;
  const Gradients g = reference.gradients(c);
  EXPECT_TRUE(near(g.at(Quantity::dZ(2)), dZ2, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::dW(2)), dW2, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::db(2)), db2, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::dA(1)), c.W[1].t() * dZ2, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::dZ(1)), dZ1, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::dW(1)), dW1, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::db(1)), db1, 1e-15));
  EXPECT_TRUE(near(g.at(Quantity::dA(0)), c.W[0].t() * dZ1, 1e-15));
}

TEST(ReferenceBackprop, DescribesItself) {
  const SourceInfo info = ReferenceBackprop(Convention::sum).info();
  EXPECT_EQ(info.name, "reference");
  EXPECT_EQ(info.convention, Convention::sum);
  EXPECT_EQ(ReferenceBackprop().info().convention, Convention::mean);
  EXPECT_EQ(info.precision, Precision::float64);
  EXPECT_TRUE(info.intermediates);
  EXPECT_TRUE(info.regularization);
  EXPECT_EQ(info.activations, all_activations());
  EXPECT_EQ(info.losses, all_losses());
}

RC_GTEST_PROP(ReferenceBackprop, ClaimsEveryQuantityInItsShape, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  ReferenceBackprop reference;
  const Gradients g = reference.gradients(c);
  RC_ASSERT(g.size() == 4 * static_cast<std::size_t>(c.depth()));
  for (const auto& [q, value] : g) {
    RC_ASSERT(has_quantity(c, q));
    RC_ASSERT(shape_of(value) == expected_shape(c, q));
  }
}

// The course's gradient check: the relative difference ||g - n|| / (||g|| + ||n||) below 1e-7.
// Where a gradient is so small that the finite difference's own rounding (about
// eps^(2/3) |J| per entry for central differences, less for five-point) is more than 1e-7 of
// it, no code can meet that; there the difference must stay at that rounding level.
bool meets_course_criterion(const QuantityCheck& q, double cost) {
  const double rounding_floor = 2e-9 * std::max(1.0, cost);
  return q.rel_diff < 1e-7 || arma::norm(q.claimed - q.numeric, "fro") < rounding_floor;
}

RC_GTEST_PROP(ReferenceBackprop, AgreesWithCentralDifferences, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  ReferenceBackprop reference;
  const CaseResult result = check_case(c, reference, {});
  RC_ASSERT(result.passed());
  RC_ASSERT(result.checks.size() == 4 * static_cast<std::size_t>(c.depth()));
  const double cost = forward(c).cost;
  for (const QuantityCheck& q : result.checks) {
    RC_CLASSIFY(q.rel_diff >= 1e-7, "below the rounding floor");
    RC_ASSERT(meets_course_criterion(q, cost));
  }
}

RC_GTEST_PROP(ReferenceBackprop, AgreesWithTheComplexStepToRounding, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  ReferenceBackprop reference;
  CheckOptions options;
  options.scheme = Scheme::complex_step;
  const CaseResult result = check_case(c, reference, options);
  RC_ASSERT(result.passed());
  RC_ASSERT(result.checks.size() == 4 * static_cast<std::size_t>(c.depth()));
  // To rounding: within 1e-12 of the entry or of the terms it sums. A bias gradient sums A - Y
  // over the examples, and terms of 0.5 may cancel to 1e-6 (a relative difference of 4e-11 that
  // is 1/16 ulp of the terms).
  const Gradients terms = rounding_magnitudes(c, Convention::mean);
  for (const QuantityCheck& q : result.checks) {
    const arma::mat& M = terms.at(q.quantity);
    for (arma::uword k = 0; k < q.claimed.n_elem; ++k) {
      RC_LOG() << q.quantity.name() << " entry " << k << ": " << q.claimed[k] << " vs "
               << q.numeric[k] << ", terms " << M[k] << "\n";
      RC_ASSERT(std::abs(q.claimed[k] - q.numeric[k]) <=
                1e-12 * std::max(std::abs(q.claimed[k]), M[k]));
    }
  }
}

RC_GTEST_PROP(ReferenceBackprop, PassesWithTheForwardScheme, ()) {
  // First order, so far less accurate: only its own error bound makes the reference pass.
  const Case c = make_case(*checks::arbitrary_recipe());
  ReferenceBackprop reference;
  CheckOptions options;
  options.scheme = Scheme::forward;
  RC_ASSERT(check_case(c, reference, options).passed());
}

RC_GTEST_PROP(ReferenceBackprop, PassesWithTheFivePointSchemeOnSmoothNetworks, ()) {
  const CaseRecipe r = *checks::arbitrary_recipe({.kinks = false});
  ReferenceBackprop reference;
  CheckOptions options;
  options.scheme = Scheme::five_point;
  const Case c = make_case(r);
  const CaseResult result = check_case(c, reference, options);
  RC_ASSERT(result.passed());
  const double cost = forward(c).cost;
  for (const QuantityCheck& q : result.checks) RC_ASSERT(meets_course_criterion(q, cost));
}

RC_GTEST_PROP(ReferenceBackprop, SumConventionIsMTimesTheMean, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const auto m = static_cast<double>(c.m());
  ReferenceBackprop mean_source, sum_source(Convention::sum);
  const Gradients mean = mean_source.gradients(c), sum = sum_source.gradients(c);
  RC_ASSERT(mean.size() == sum.size());
  for (const auto& [q, value] : mean) {
    if (q.is_parameter()) {
      RC_ASSERT(relatively_near(sum.at(q), arma::mat(m * value), 1e-14));
    } else {
      // Intermediates are per example in both conventions.
      RC_ASSERT(near(sum.at(q), value, 0.0));
    }
  }
}

RC_GTEST_PROP(ReferenceBackprop, SumSourcePassesAndMatchesTheSumConvention, ()) {
  CaseRecipe r = *checks::arbitrary_recipe();
  r.batch = *rc::gen::inRange<arma::uword>(2, 7);  // m = 1 makes the two conventions one
  const Case c = make_case(r);
  ReferenceBackprop sum_source(Convention::sum);
  const CaseResult result = check_case(c, sum_source, {});
  RC_ASSERT(result.passed());
  for (const QuantityCheck& q : result.checks) {
    RC_ASSERT(q.expected == Convention::sum);
    RC_ASSERT(q.matched == std::optional<Convention>(Convention::sum));
  }
}

TEST(ReferenceBackprop, BatchOfOneHasOneConvention) {
  CaseRecipe r;
  r.spec.sizes = {4, 3, 1};
  r.spec.activations = {A::sigmoid, A::sigmoid};
  r.spec.loss = Loss::bce;
  r.spec.lambda = 0.3;
  r.batch = 1;
  r.seed = 7;
  const Case c = make_case(r);
  ReferenceBackprop mean, sum(Convention::sum);
  const Gradients a = mean.gradients(c), b = sum.gradients(c);
  for (const auto& [q, value] : a) EXPECT_TRUE(near(b.at(q), value, 0.0)) << q.name();
}

}  // namespace
}  // namespace gradfuzz

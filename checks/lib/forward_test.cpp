#include "gradfuzz/forward.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "case_gen.hpp"
#include "gradfuzz/recipe.hpp"
#include "hand_cases.hpp"

namespace gradfuzz {
namespace {

using checks::linear_case;

using A = Activation;

TEST(Forward, LinearRegressionByHand) {
  const ForwardPass f = forward(linear_case());
  ASSERT_EQ(f.Z.size(), 2u);
  ASSERT_EQ(f.A.size(), 2u);
  EXPECT_TRUE(f.Z[0].is_empty());
  EXPECT_TRUE(arma::approx_equal(f.A[0], linear_case().X, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(f.Z[1], arma::mat{{-2.25, -2.75}}, "absdiff", 1e-15)) << f.Z[1];
  EXPECT_TRUE(arma::approx_equal(f.A[1], f.Z[1], "absdiff", 0.0));
  EXPECT_DOUBLE_EQ(f.loss_sum, 9.0625);
  EXPECT_EQ(f.l2, 0.0);
  EXPECT_DOUBLE_EQ(f.cost, 9.0625 / 2);
}

TEST(Forward, L2TermIsLambdaOverTwoMTimesSquaredWeightsOnly) {
  // lambda / (2m) ||W||^2 = 0.5 / 4 * (0.25 + 1); b = 0.25 is not regularized.
  const Case c = linear_case(0.5);
  EXPECT_DOUBLE_EQ(l2_term(c), 0.15625);
  const ForwardPass f = forward(c);
  EXPECT_DOUBLE_EQ(f.l2, 0.15625);
  EXPECT_DOUBLE_EQ(f.cost, 9.0625 / 2 + 0.15625);
  Case other_bias = c;
  other_bias.b[0](0, 0) = 3.0;
  EXPECT_DOUBLE_EQ(l2_term(other_bias), 0.15625);
  EXPECT_EQ(l2_term(linear_case(0)), 0.0);
}

TEST(Forward, TheCoursesTwoLayerNetworkByHand) {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = {A::tanh, A::sigmoid};
  r.spec.loss = Loss::bce;
  r.spec.lambda = 0.3;
  r.batch = 5;
  r.seed = 1;
  r.labels = Labels::soft;
  const Case c = make_case(r);
  const arma::mat Z1 = c.W[0] * c.X + arma::repmat(c.b[0], 1, 5);
  const arma::mat A1 = arma::tanh(Z1);
  const arma::mat Z2 = c.W[1] * A1 + arma::repmat(c.b[1], 1, 5);
  const arma::mat A2 = 1 / (1 + arma::exp(-Z2));
  const double J = -arma::accu(c.Y % arma::log(A2) + (1 - c.Y) % arma::log(1 - A2)) / 5 +
                   0.3 / 10 * (arma::accu(arma::square(c.W[0])) + arma::accu(arma::square(c.W[1])));
  const ForwardPass f = forward(c);
  EXPECT_TRUE(arma::approx_equal(f.Z[1], Z1, "absdiff", 1e-15));
  EXPECT_TRUE(arma::approx_equal(f.A[1], A1, "absdiff", 1e-15));
  EXPECT_TRUE(arma::approx_equal(f.Z[2], Z2, "absdiff", 1e-15));
  EXPECT_TRUE(arma::approx_equal(f.A[2], A2, "absdiff", 1e-15));
  EXPECT_NEAR(f.cost, J, 1e-14);
}

RC_GTEST_PROP(Forward, EveryLayerIsWTimesAPlusBThenG, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const ForwardPass f = forward(c);
  RC_ASSERT(f.Z.size() == static_cast<std::size_t>(c.depth()) + 1);
  RC_ASSERT(f.A.size() == static_cast<std::size_t>(c.depth()) + 1);
  RC_ASSERT(arma::approx_equal(f.A[0], c.X, "absdiff", 0.0));
  for (int l = 1; l <= c.depth(); ++l) {
    const auto k = static_cast<std::size_t>(l);
    const arma::mat Z = c.W_of(l) * f.A[k - 1] + arma::repmat(c.b_of(l), 1, c.m());
    RC_ASSERT(arma::approx_equal(f.Z[k], Z, "absdiff", 1e-14));
    RC_ASSERT(arma::approx_equal(f.A[k], activate(c.spec.g(l), f.Z[k], c.spec.leaky_slope),
                                 "absdiff", 0.0));
  }
  const auto L = static_cast<std::size_t>(c.depth());
  RC_ASSERT(f.loss_sum == loss_sum(c.spec.loss, f.Z[L], f.A[L], c.Y));
  RC_ASSERT(f.l2 == l2_term(c));
  RC_ASSERT(std::abs(f.cost - (f.loss_sum / static_cast<double>(c.m()) + f.l2)) <= 1e-15 * f.cost);
}

RC_GTEST_PROP(Forward, CostFromAnyLayersZIsTheCost, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const ForwardPass f = forward(c);
  for (int l = 1; l <= c.depth(); ++l) {
    const double J = cost_from_Z<double>(c, l, f.Z[static_cast<std::size_t>(l)], f.l2);
    RC_ASSERT(std::abs(J - f.cost) <= 1e-14 * std::max(1.0, f.cost));
    const std::complex<double> Jc = cost_from_Z<std::complex<double>>(
        c, l, arma::conv_to<arma::cx_mat>::from(f.Z[static_cast<std::size_t>(l)]), f.l2);
    RC_ASSERT(std::abs(Jc.real() - f.cost) <= 1e-14 * std::max(1.0, f.cost));
    RC_ASSERT(Jc.imag() == 0.0);
  }
}

TEST(Forward, CostFromZAddsTheCallersL2AndRunsTheLaterLayers) {
  const Case c = make_case([] {
    CaseRecipe r;
    r.spec.sizes = {2, 3, 3, 2};
    r.spec.activations = {A::relu, A::tanh, A::softmax};
    r.spec.loss = Loss::ce;
    r.batch = 4;
    r.seed = 9;
    return r;
  }());
  const ForwardPass f = forward(c);
  // A changed Z2 changes the cost exactly as running the network from that Z2 does.
  arma::mat Z2 = f.Z[2];
  Z2(1, 3) += 0.5;
  arma::mat A2 = arma::tanh(Z2);
  arma::mat Z3 = c.W[2] * A2 + arma::repmat(c.b[2], 1, 4);
  const double expected = loss_sum(Loss::ce, Z3, activate(A::softmax, Z3, 0.01), c.Y) / 4 + 0.75;
  EXPECT_NEAR(cost_from_Z<double>(c, 2, Z2, 0.75), expected, 1e-14);

  std::vector<int> seen;
  const ZObserver<double> observe = [&](int layer, const arma::mat& Z) {
    seen.push_back(layer);
    if (layer == 3) {
      EXPECT_TRUE(arma::approx_equal(Z, Z3, "absdiff", 1e-15));
    }
  };
  cost_from_Z<double>(c, 2, Z2, 0.0, &observe);
  EXPECT_EQ(seen, (std::vector<int>{2, 3}));
}

}  // namespace
}  // namespace gradfuzz

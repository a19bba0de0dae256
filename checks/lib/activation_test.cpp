#include "gradfuzz/activation.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

namespace gradfuzz {
namespace {

using cx = std::complex<double>;

const std::vector<Activation> kElementwise{Activation::sigmoid, Activation::tanh, Activation::relu,
                                           Activation::leaky_relu, Activation::linear};

// A real in [lo, hi] on a grid of 1e-4, from an integer (never gen::arbitrary<double>).
double real_in(double lo, double hi) {
  const int steps = static_cast<int>((hi - lo) * 1e4);
  return lo + static_cast<double>(*rc::gen::inRange(0, steps + 1)) * 1e-4;
}

// A column of n reals in [-4, 4] kept at least 0.01 away from 0, so a central difference of
// half-width 1e-6 never straddles a relu kink.
arma::mat away_from_zero(arma::uword n) {
  arma::mat Z(n, 1);
  for (arma::uword i = 0; i < n; ++i) {
    const double magnitude = real_in(0.01, 4.0);
    Z(i, 0) = *rc::gen::arbitrary<bool>() ? magnitude : -magnitude;
  }
  return Z;
}

double slope_in_range() {
  return static_cast<double>(*rc::gen::inRange(1, 51)) / 100.0;
}

TEST(Activation, NamesAreTheProtocolSpellingsInEnumOrder) {
  const std::vector<std::string> expected{"sigmoid",    "tanh",   "relu",
                                          "leaky_relu", "linear", "softmax"};
  ASSERT_EQ(all_activations().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Activation a = all_activations()[i];
    EXPECT_EQ(static_cast<std::size_t>(a), i);
    EXPECT_EQ(to_string(a), expected[i]);
    EXPECT_EQ(find_activation(expected[i]), a);
    EXPECT_EQ(parse_activation(expected[i]), a);
  }
}

TEST(Activation, FindAcceptsOnlyTheExactSpelling) {
  for (const char* name : {"ReLU", "Sigmoid", "leaky-relu", "leakyrelu", "relu ", "", "soft_max"})
    EXPECT_FALSE(find_activation(name).has_value()) << name;
}

TEST(Activation, ParseNamesTheUnknownAndTheKnownActivations) {
  try {
    parse_activation("swish");
    FAIL() << "parse_activation accepted 'swish'";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'swish'"), std::string::npos) << what;
    for (const char* known : {"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"})
      EXPECT_NE(what.find(known), std::string::npos) << known << " missing from: " << what;
  }
}

TEST(Activation, OnlyReluAndLeakyReluHaveKinksOnlySoftmaxMixesAColumn) {
  for (Activation a : all_activations()) {
    EXPECT_EQ(has_kink(a), a == Activation::relu || a == Activation::leaky_relu) << to_string(a);
    EXPECT_EQ(is_elementwise(a), a != Activation::softmax) << to_string(a);
  }
}

TEST(Activation, ValuesAtKnownPoints) {
  const arma::mat Z{{-2.0, 0.0, 3.0}};
  EXPECT_TRUE(arma::approx_equal(
      activate(Activation::sigmoid, Z, 0.01),
      arma::mat{{1 / (1 + std::exp(2.0)), 0.5, 1 / (1 + std::exp(-3.0))}}, "absdiff", 1e-15));
  EXPECT_TRUE(arma::approx_equal(activate(Activation::tanh, Z, 0.01),
                                 arma::mat{{std::tanh(-2.0), 0.0, std::tanh(3.0)}}, "absdiff",
                                 1e-15));
  EXPECT_TRUE(arma::approx_equal(activate(Activation::relu, Z, 0.01), arma::mat{{0.0, 0.0, 3.0}},
                                 "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(activate(Activation::leaky_relu, Z, 0.1),
                                 arma::mat{{-0.2, 0.0, 3.0}}, "absdiff", 1e-16));
  EXPECT_TRUE(arma::approx_equal(activate(Activation::linear, Z, 0.1), Z, "absdiff", 0.0));
}

TEST(Activation, LeakySlopeIsUsedOnlyForNegativeInputs) {
  const arma::mat Z{{-4.0, 4.0}};
  EXPECT_DOUBLE_EQ(activate(Activation::leaky_relu, Z, 0.25)(0, 0), -1.0);
  EXPECT_DOUBLE_EQ(activate(Activation::leaky_relu, Z, 0.25)(0, 1), 4.0);
  EXPECT_DOUBLE_EQ(activation_derivative(Activation::leaky_relu, Z, 0.25)(0, 0), 0.25);
  EXPECT_DOUBLE_EQ(activation_derivative(Activation::leaky_relu, Z, 0.25)(0, 1), 1.0);
}

RC_GTEST_PROP(Activation, DerivativeMatchesCentralDifferences, ()) {
  const Activation g = *rc::gen::elementOf(kElementwise);
  const double slope = slope_in_range();
  const arma::mat Z = away_from_zero(*rc::gen::inRange<arma::uword>(1, 6));
  const double h = 1e-6;
  const arma::mat numeric =
      (activate(g, arma::mat(Z + h), slope) - activate(g, arma::mat(Z - h), slope)) / (2 * h);
  const arma::mat claimed = activation_derivative(g, Z, slope);
  RC_ASSERT(claimed.n_rows == Z.n_rows);
  RC_ASSERT(claimed.n_cols == Z.n_cols);
  for (arma::uword k = 0; k < Z.n_elem; ++k) RC_ASSERT(std::abs(claimed[k] - numeric[k]) < 1e-8);
}

RC_GTEST_PROP(Activation, ComplexStepThroughActivateGivesTheDerivative, ()) {
  // activate<complex> decides every branch by the real part, so Im g(Z + ih) / h = g'(Z).
  const Activation g = *rc::gen::elementOf(kElementwise);
  const double slope = slope_in_range();
  const arma::mat Z = away_from_zero(*rc::gen::inRange<arma::uword>(1, 6));
  const double h = 1e-20;
  const arma::cx_mat Zc(Z, arma::mat(arma::size(Z), arma::fill::value(h)));
  const arma::cx_mat A = activate(g, Zc, slope);
  const arma::mat real_A = activate(g, Z, slope);
  const arma::mat d = activation_derivative(g, Z, slope);
  for (arma::uword k = 0; k < Z.n_elem; ++k) {
    RC_ASSERT(std::abs(A[k].real() - real_A[k]) <= 1e-15 * std::max(1.0, std::abs(real_A[k])));
    RC_ASSERT(std::abs(A[k].imag() / h - d[k]) <= 1e-13 * std::max(1.0, std::abs(d[k])));
  }
}

TEST(Activation, DerivativeAtTheKinkFollowsTheCourse) {
  const arma::mat zero(1, 1, arma::fill::zeros);
  EXPECT_EQ(activation_derivative(Activation::relu, zero, 0.01)(0, 0), 0.0);
  EXPECT_EQ(activation_derivative(Activation::leaky_relu, zero, 0.3)(0, 0), 0.3);
  EXPECT_EQ(activate(Activation::relu, zero, 0.01)(0, 0), 0.0);
  EXPECT_EQ(activate(Activation::leaky_relu, zero, 0.3)(0, 0), 0.0);
}

RC_GTEST_PROP(Activation, SigmoidIsSymmetricOnBothBranches, ()) {
  // The two branches (z >= 0 and z < 0) must describe one function: s(-z) = 1 - s(z).
  const arma::mat Z = away_from_zero(*rc::gen::inRange<arma::uword>(1, 6)) * 10.0;
  const arma::mat A = activate(Activation::sigmoid, Z, 0.01);
  const arma::mat B = activate(Activation::sigmoid, arma::mat(-Z), 0.01);
  for (arma::uword k = 0; k < Z.n_elem; ++k) {
    RC_ASSERT(std::abs(A[k] + B[k] - 1.0) < 1e-15);
    RC_ASSERT(std::abs(A[k] - 1.0 / (1.0 + std::exp(-Z[k]))) < 1e-15);
  }
}

TEST(Activation, SigmoidSaturatesWithoutNaN) {
  const arma::mat Z{{-800.0, 800.0, -1e308, 1e308}};
  const arma::mat A = activate(Activation::sigmoid, Z, 0.01);
  ASSERT_TRUE(A.is_finite()) << A;
  EXPECT_EQ(A(0, 0), 0.0);
  EXPECT_EQ(A(0, 1), 1.0);
  EXPECT_EQ(A(0, 2), 0.0);
  EXPECT_EQ(A(0, 3), 1.0);
  const arma::mat d = activation_derivative(Activation::sigmoid, Z, 0.01);
  ASSERT_TRUE(d.is_finite()) << d;
  EXPECT_EQ(arma::abs(d).max(), 0.0);
  const arma::cx_mat Ac = activate(Activation::sigmoid, arma::cx_mat(Z, arma::mat(1, 4)), 0.01);
  EXPECT_TRUE(Ac.is_finite()) << Ac;
}

RC_GTEST_PROP(Activation, SoftmaxColumnsAreProbabilityVectors, ()) {
  const auto rows = *rc::gen::inRange<arma::uword>(1, 6);
  const auto cols = *rc::gen::inRange<arma::uword>(1, 5);
  arma::mat Z(rows, cols);
  for (arma::uword k = 0; k < Z.n_elem; ++k) Z[k] = real_in(-30.0, 30.0);
  const arma::mat A = activate(Activation::softmax, Z, 0.01);
  RC_ASSERT(A.n_rows == rows);
  RC_ASSERT(A.n_cols == cols);
  for (arma::uword j = 0; j < cols; ++j) {
    RC_ASSERT(std::abs(arma::accu(A.col(j)) - 1.0) < 1e-14);
    const arma::vec expected = arma::exp(Z.col(j)) / arma::accu(arma::exp(Z.col(j)));
    for (arma::uword i = 0; i < rows; ++i) {
      RC_ASSERT(A(i, j) >= 0.0);
      RC_ASSERT(std::abs(A(i, j) - expected(i)) < 1e-14);
    }
  }
}

TEST(Activation, SoftmaxIsStableForHugeInputs) {
  const arma::mat Z{{1000.0, -1000.0, 1000.0}, {999.0, -1000.0, 1000.0}, {-1000.0, -1000.0, 0.0}};
  const arma::mat A = activate(Activation::softmax, Z, 0.01);
  ASSERT_TRUE(A.is_finite()) << A;
  const double e = std::exp(-1.0);
  EXPECT_NEAR(A(0, 0), 1 / (1 + e), 1e-15);
  EXPECT_NEAR(A(1, 0), e / (1 + e), 1e-15);
  EXPECT_EQ(A(2, 0), 0.0);
  for (arma::uword i = 0; i < 3; ++i) EXPECT_NEAR(A(i, 1), 1.0 / 3, 1e-15);
  EXPECT_NEAR(A(0, 2), 0.5, 1e-15);
  EXPECT_NEAR(A(1, 2), 0.5, 1e-15);
  // The complex path (complex step) must be just as stable.
  const arma::cx_mat Ac = activate(Activation::softmax, arma::cx_mat(Z, arma::mat(3, 3)), 0.01);
  ASSERT_TRUE(Ac.is_finite()) << Ac;
  EXPECT_TRUE(arma::approx_equal(arma::mat(arma::real(Ac)), A, "absdiff", 1e-15));
}

TEST(Activation, SoftmaxHasNoElementwiseDerivative) {
  try {
    activation_derivative(Activation::softmax, arma::mat(2, 1, arma::fill::zeros), 0.01);
    FAIL() << "softmax derivative did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("softmax"), std::string::npos) << e.what();
  }
}

TEST(Activation, ActivateKeepsTheShape) {
  const arma::mat Z(3, 4, arma::fill::randn);
  for (Activation g : all_activations()) {
    const arma::mat A = activate(g, Z, 0.01);
    EXPECT_EQ(A.n_rows, 3u) << to_string(g);
    EXPECT_EQ(A.n_cols, 4u) << to_string(g);
    if (is_elementwise(g)) {
      const arma::mat d = activation_derivative(g, Z, 0.01);
      EXPECT_EQ(d.n_rows, 3u) << to_string(g);
      EXPECT_EQ(d.n_cols, 4u) << to_string(g);
    }
  }
}

}  // namespace
}  // namespace gradfuzz

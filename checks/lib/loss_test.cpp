#include "gradfuzz/loss.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

namespace gradfuzz {
namespace {

using cx = std::complex<double>;

double real_in(double lo, double hi) {
  const int steps = static_cast<int>((hi - lo) * 1e4);
  return lo + static_cast<double>(*rc::gen::inRange(0, steps + 1)) * 1e-4;
}

arma::mat reals(arma::uword rows, arma::uword cols, double lo, double hi) {
  arma::mat M(rows, cols);
  for (arma::uword k = 0; k < M.n_elem; ++k) M[k] = real_in(lo, hi);
  return M;
}

// Columns that are probability vectors (entries in [0, 1] summing to 1).
arma::mat probability_columns(arma::uword rows, arma::uword cols) {
  arma::mat Y = reals(rows, cols, 0.01, 1.0);
  for (arma::uword j = 0; j < cols; ++j) Y.col(j) /= arma::accu(Y.col(j));
  return Y;
}

arma::mat sigmoid(const arma::mat& Z) {
  return 1.0 / (1.0 + arma::exp(-Z));
}
arma::mat softmax(const arma::mat& Z) {
  arma::mat A = arma::exp(Z);
  for (arma::uword j = 0; j < A.n_cols; ++j) A.col(j) /= arma::accu(A.col(j));
  return A;
}

TEST(Loss, NamesAreTheProtocolSpellings) {
  const std::vector<std::string> expected{"bce", "ce", "mse"};
  ASSERT_EQ(all_losses().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Loss loss = all_losses()[i];
    EXPECT_EQ(to_string(loss), expected[i]);
    EXPECT_EQ(find_loss(expected[i]), loss);
    EXPECT_EQ(parse_loss(expected[i]), loss);
  }
  for (const char* name : {"BCE", "cross_entropy", "mse ", "", "l2"})
    EXPECT_FALSE(find_loss(name).has_value()) << name;
}

TEST(Loss, ParseNamesTheUnknownAndTheKnownLosses) {
  try {
    parse_loss("hinge");
    FAIL() << "parse_loss accepted 'hinge'";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'hinge'"), std::string::npos) << what;
    for (const char* known : {"bce", "ce", "mse"})
      EXPECT_NE(what.find(known), std::string::npos) << known << " missing from: " << what;
  }
}

TEST(Loss, FitsOutputAsTheProtocolSays) {
  for (Activation out : all_activations()) {
    EXPECT_EQ(loss_fits_output(Loss::bce, out), out == Activation::sigmoid) << to_string(out);
    EXPECT_EQ(loss_fits_output(Loss::ce, out), out == Activation::softmax) << to_string(out);
    EXPECT_EQ(loss_fits_output(Loss::mse, out), out != Activation::softmax) << to_string(out);
  }
}

RC_GTEST_PROP(Loss, BceIsTheCoursesFormula, ()) {
  const auto n = *rc::gen::inRange<arma::uword>(1, 5);
  const auto m = *rc::gen::inRange<arma::uword>(1, 5);
  const arma::mat Z = reals(n, m, -8, 8);
  const arma::mat A = sigmoid(Z);
  const arma::mat Y = reals(n, m, 0, 1);  // soft labels include 0 and 1
  const double expected = -arma::accu(Y % arma::log(A) + (1 - Y) % arma::log(1 - A));
  const double got = loss_sum(Loss::bce, Z, A, Y);
  RC_ASSERT(std::abs(got - expected) <= 1e-12 * std::max(1.0, expected));
}

RC_GTEST_PROP(Loss, CeIsTheCoursesFormula, ()) {
  const auto n = *rc::gen::inRange<arma::uword>(2, 6);
  const auto m = *rc::gen::inRange<arma::uword>(1, 5);
  const arma::mat Z = reals(n, m, -8, 8);
  const arma::mat A = softmax(Z);
  const arma::mat Y = probability_columns(n, m);
  const double expected = -arma::accu(Y % arma::log(A));
  const double got = loss_sum(Loss::ce, Z, A, Y);
  RC_ASSERT(std::abs(got - expected) <= 1e-12 * std::max(1.0, expected));
}

RC_GTEST_PROP(Loss, MseIsHalfTheSquaredError, ()) {
  const auto n = *rc::gen::inRange<arma::uword>(1, 5);
  const auto m = *rc::gen::inRange<arma::uword>(1, 5);
  const arma::mat A = reals(n, m, -5, 5);
  const arma::mat Y = reals(n, m, -5, 5);
  const double expected = 0.5 * arma::accu(arma::square(A - Y));
  // mse reads A, whatever Z was (any output activation).
  const double got = loss_sum(Loss::mse, arma::mat(n, m, arma::fill::zeros), A, Y);
  RC_ASSERT(std::abs(got - expected) <= 1e-12 * std::max(1.0, expected));
}

RC_GTEST_PROP(Loss, IsASumOverExamplesWithoutOneOverM, ()) {
  const Loss loss = *rc::gen::element(Loss::bce, Loss::ce, Loss::mse);
  const auto n = *rc::gen::inRange<arma::uword>(2, 5);
  const auto m = *rc::gen::inRange<arma::uword>(2, 6);
  const arma::mat Z = reals(n, m, -4, 4);
  const arma::mat A = loss == Loss::ce ? softmax(Z) : sigmoid(Z);
  const arma::mat Y = loss == Loss::ce ? probability_columns(n, m) : reals(n, m, 0, 1);
  double per_column = 0;
  for (arma::uword j = 0; j < m; ++j)
    per_column += loss_sum(loss, arma::mat(Z.col(j)), arma::mat(A.col(j)), arma::mat(Y.col(j)));
  const double whole = loss_sum(loss, Z, A, Y);
  RC_ASSERT(std::abs(whole - per_column) <= 1e-12 * std::max(1.0, whole));
}

RC_GTEST_PROP(Loss, GradientWithRespectToZIsAMinusY, ()) {
  // bce over sigmoid and ce over softmax both give dL/dZ = A - Y: the reference's output delta.
  // Checked by complex step through loss_sum<complex>, one entry of Z at a time.
  const Loss loss = *rc::gen::element(Loss::bce, Loss::ce);
  const auto n = *rc::gen::inRange<arma::uword>(loss == Loss::ce ? 2 : 1, 5);
  const auto m = *rc::gen::inRange<arma::uword>(1, 4);
  const arma::mat Z = reals(n, m, -6, 6);
  const arma::mat Y = loss == Loss::ce ? probability_columns(n, m) : reals(n, m, 0, 1);
  const Activation g = loss == Loss::ce ? Activation::softmax : Activation::sigmoid;
  const arma::mat A = activate(g, Z, 0.01);
  const double h = 1e-20;
  for (arma::uword k = 0; k < Z.n_elem; ++k) {
    arma::cx_mat Zc = arma::conv_to<arma::cx_mat>::from(Z);
    Zc[k] += cx(0, h);
    const cx J = loss_sum(loss, Zc, activate(g, Zc, 0.01), Y);
    RC_ASSERT(std::abs(J.real() - loss_sum(loss, Z, A, Y)) <= 1e-13 * std::max(1.0, J.real()));
    RC_ASSERT(std::abs(J.imag() / h - (A[k] - Y[k])) <= 1e-13);
  }
}

RC_GTEST_PROP(Loss, MseGradientWithRespectToAIsAMinusY, ()) {
  const auto n = *rc::gen::inRange<arma::uword>(1, 5);
  const auto m = *rc::gen::inRange<arma::uword>(1, 4);
  const arma::mat A = reals(n, m, -3, 3);
  const arma::mat Y = reals(n, m, -3, 3);
  const double h = 1e-20;
  const arma::cx_mat Zc(n, m, arma::fill::zeros);
  for (arma::uword k = 0; k < A.n_elem; ++k) {
    arma::cx_mat Ac = arma::conv_to<arma::cx_mat>::from(A);
    Ac[k] += cx(0, h);
    const cx J = loss_sum(Loss::mse, Zc, Ac, Y);
    RC_ASSERT(std::abs(J.imag() / h - (A[k] - Y[k])) <= 1e-13);
  }
}

TEST(Loss, BceIsFiniteForASaturatedSigmoid) {
  const arma::mat Z{{800.0, -800.0, 800.0, -800.0}};
  const arma::mat A = activate(Activation::sigmoid, Z, 0.01);
  ASSERT_EQ(A(0, 0), 1.0);  // log(1 - A) would be -inf: the loss must come from Z
  ASSERT_EQ(A(0, 1), 0.0);
  // Confidently wrong costs |Z| each; confidently right costs (almost) nothing.
  EXPECT_NEAR(loss_sum(Loss::bce, Z, A, arma::mat{{0.0, 1.0, 1.0, 0.0}}), 1600.0, 1e-9);
  EXPECT_NEAR(loss_sum(Loss::bce, Z, A, arma::mat{{1.0, 0.0, 1.0, 0.0}}), 0.0, 1e-300);
  EXPECT_NEAR(loss_sum(Loss::bce, Z, A, arma::mat{{0.5, 0.5, 0.5, 0.5}}), 1600.0, 1e-9);
  // The complex path (complex step) as well, with the derivative A - Y.
  const arma::cx_mat Zc(Z, arma::mat(1, 4, arma::fill::value(1e-20)));
  const cx J = loss_sum(Loss::bce, Zc, activate(Activation::sigmoid, Zc, 0.01),
                        arma::mat{{0.0, 1.0, 1.0, 0.0}});
  ASSERT_TRUE(std::isfinite(J.real()) && std::isfinite(J.imag())) << J;
  EXPECT_NEAR(J.real(), 1600.0, 1e-9);
  EXPECT_NEAR(J.imag() / 1e-20, (1 - 0) + (0 - 1) + (1 - 1) + (0 - 0), 1e-12);
}

TEST(Loss, CeIsFiniteForHugeLogits) {
  const arma::mat Z{{1000.0, -1000.0}, {0.0, 1000.0}};
  const arma::mat A = activate(Activation::softmax, Z, 0.01);
  // Column 0 puts all mass on the wrong class (cost 1000), column 1 on the right one.
  const double loss = loss_sum(Loss::ce, Z, A, arma::mat{{0.0, 0.0}, {1.0, 1.0}});
  ASSERT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, 1000.0, 1e-9);
}

TEST(Loss, ComplexLossOfARealInputIsTheRealLoss) {
  const arma::mat Z{{0.3, -1.2}, {2.0, 0.1}};
  const arma::mat Y{{1.0, 0.0}, {0.0, 1.0}};
  for (Loss loss : all_losses()) {
    const Activation g = loss == Loss::ce ? Activation::softmax : Activation::sigmoid;
    const arma::mat A = activate(g, Z, 0.01);
    const arma::cx_mat Zc = arma::conv_to<arma::cx_mat>::from(Z);
    const cx J = loss_sum(loss, Zc, activate(g, Zc, 0.01), Y);
    EXPECT_NEAR(J.real(), loss_sum(loss, Z, A, Y), 1e-14) << to_string(loss);
    EXPECT_EQ(J.imag(), 0.0) << to_string(loss);
  }
}

}  // namespace
}  // namespace gradfuzz

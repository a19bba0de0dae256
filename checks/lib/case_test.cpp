#include "gradfuzz/case.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>
#include <string>

#include "case_gen.hpp"
#include "test_support.hpp"

namespace gradfuzz {
namespace {

using A = Activation;
using checks::message_of;

// The course's network 3-4-1 tanh,sigmoid bce on a batch of m = 2, every matrix well shaped.
Case valid_case() {
  Case c;
  c.spec.sizes = {3, 4, 1};
  c.spec.activations = {A::tanh, A::sigmoid};
  c.spec.loss = Loss::bce;
  c.W = {arma::mat(4, 3, arma::fill::value(0.1)), arma::mat(1, 4, arma::fill::value(-0.2))};
  c.b = {arma::mat(4, 1, arma::fill::value(0.3)), arma::mat(1, 1, arma::fill::value(0.4))};
  c.X = arma::mat{{1, 2}, {3, 4}, {5, 6}};
  c.Y = arma::mat{{0, 1}};
  return c;
}

Case ce_case(const arma::mat& Y) {
  Case c;
  c.spec.sizes = {2, 3};
  c.spec.activations = {A::softmax};
  c.spec.loss = Loss::ce;
  c.W = {arma::mat(3, 2, arma::fill::value(0.5))};
  c.b = {arma::mat(3, 1, arma::fill::zeros)};
  c.X = arma::mat(2, Y.n_cols, arma::fill::ones);
  c.Y = Y;
  return c;
}

std::string error_of(const Case& c) {
  return message_of<SpecError>([&] { validate(c); });
}

TEST(Case, AValidCaseValidatesAndKnowsItsSizes) {
  const Case c = valid_case();
  EXPECT_NO_THROW(validate(c));
  EXPECT_EQ(c.m(), 2u);
  EXPECT_EQ(c.depth(), 2);
  EXPECT_EQ(c.W_of(2).n_cols, 4u);
  EXPECT_EQ(c.b_of(1).n_rows, 4u);
  EXPECT_THROW((void)c.W_of(3), std::out_of_range);
}

TEST(Case, ParameterCountIsWeightsAndBiases) {
  // n1 (n0 + 1) + n2 (n1 + 1) = 4 * 4 + 1 * 5
  EXPECT_EQ(valid_case().parameter_count(), 21u);
  Case deep = valid_case();
  deep.spec.sizes = {2, 3, 5, 2};
  deep.spec.activations = {A::relu, A::relu, A::linear};
  EXPECT_EQ(deep.parameter_count(), 3u * 3 + 5 * 4 + 2 * 6);
}

RC_GTEST_PROP(Case, EveryGeneratedCaseIsValid, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  validate(c);  // throws (fails the property) on a valid case wrongly rejected
}

TEST(Case, WrongWeightShapeSaysWhichAndWhatShape) {
  Case c = valid_case();
  c.W[1] = arma::mat(4, 1);  // W2 transposed
  const std::string what = error_of(c);
  EXPECT_MENTIONS(what, "W2 is 4 x 1");
  EXPECT_MENTIONS(what, "expected 1 x 4");
  EXPECT_MENTIONS(what, "n2 x n1");
}

TEST(Case, WrongBiasShapeSaysWhichAndWhatShape) {
  Case c = valid_case();
  c.b[0] = arma::mat(1, 4, arma::fill::zeros);  // a row where a column belongs
  const std::string what = error_of(c);
  EXPECT_MENTIONS(what, "b1 is 1 x 4");
  EXPECT_MENTIONS(what, "expected 4 x 1");
}

TEST(Case, WrongNumberOfParameterMatricesIsRejected) {
  Case c = valid_case();
  c.W.pop_back();
  EXPECT_MENTIONS(error_of(c), "1 weight and 2 bias matrices for 2 layers");
}

TEST(Case, WrongInputShapeSaysXAndN0) {
  Case c = valid_case();
  c.X = arma::mat(2, 2, arma::fill::ones);
  const std::string what = error_of(c);
  EXPECT_MENTIONS(what, "X is 2 x 2");
  EXPECT_MENTIONS(what, "expected 3 x 2");
}

TEST(Case, WrongLabelShapeSaysY) {
  Case c = valid_case();
  c.Y = arma::mat{{0, 1, 1}};  // three labels for two examples
  const std::string what = error_of(c);
  EXPECT_MENTIONS(what, "Y is 1 x 3");
  EXPECT_MENTIONS(what, "expected 1 x 2");
}

TEST(Case, EmptyBatchIsRejected) {
  Case c = valid_case();
  c.X = arma::mat(3, 0);
  c.Y = arma::mat(1, 0);
  EXPECT_MENTIONS(error_of(c), "m >= 1");
}

TEST(Case, NonFiniteNumbersSayWhere) {
  Case c = valid_case();
  c.X(1, 0) = std::numeric_limits<double>::quiet_NaN();
  std::string what = error_of(c);
  EXPECT_MENTIONS(what, "X(1,0)");
  EXPECT_MENTIONS(what, "finite");

  c = valid_case();
  c.W[0](2, 1) = std::numeric_limits<double>::infinity();
  EXPECT_MENTIONS(error_of(c), "W1(2,1)");

  c = valid_case();
  c.b[1](0, 0) = -std::numeric_limits<double>::infinity();
  EXPECT_MENTIONS(error_of(c), "b2(0,0)");

  c = valid_case();
  c.spec.activations[1] = A::linear;
  c.spec.loss = Loss::mse;
  c.Y(0, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_MENTIONS(error_of(c), "Y(0,1)");
}

TEST(Case, BceLabelsMustLieInZeroOne) {
  Case c = valid_case();
  c.Y = arma::mat{{0.25, 1.0}};  // soft labels are fine
  EXPECT_EQ(error_of(c), "");
  for (double bad : {-0.1, 1.5}) {
    c.Y = arma::mat{{bad, 1.0}};
    const std::string what = error_of(c);
    EXPECT_MENTIONS(what, "bce needs Y in [0, 1]");
  }
}

TEST(Case, CeColumnsMustBeProbabilityVectors) {
  EXPECT_EQ(error_of(ce_case(arma::mat{{1, 0.2}, {0, 0.1}, {0, 0.7}})), "");
  const std::string what = error_of(ce_case(arma::mat{{1, 0.2}, {0, 0.1}, {0, 0.6}}));
  EXPECT_MENTIONS(what, "column 1 sums to 0.9");
  EXPECT_MENTIONS(what, "probability vector");
  // "Within 1e-9": rounding in a normalisation passes, a column that is off by 1e-7 does not.
  EXPECT_EQ(error_of(ce_case(arma::mat(arma::colvec{0.5, 0.5 + 1e-12, 0.0}))), "");
  EXPECT_MENTIONS(error_of(ce_case(arma::mat(arma::colvec{0.5, 0.5 + 1e-7, 0.0}))), "column 0");
  // Summing to 1 is not enough: every entry must be in [0, 1].
  EXPECT_MENTIONS(error_of(ce_case(arma::mat(arma::colvec{1.5, -0.5, 0.0}))), "column 0");
}

TEST(Case, MseTakesAnyRealLabels) {
  Case c = valid_case();
  c.spec.activations[1] = A::linear;
  c.spec.loss = Loss::mse;
  c.Y = arma::mat{{-7, 42}};
  EXPECT_EQ(error_of(c), "");
}

TEST(Case, AnInvalidSpecIsReportedThroughTheCase) {
  Case c = valid_case();
  c.spec.loss = Loss::ce;
  EXPECT_MENTIONS(error_of(c), "ce needs a softmax output layer");
}

}  // namespace
}  // namespace gradfuzz

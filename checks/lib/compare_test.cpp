#include "gradfuzz/compare.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>

namespace gradfuzz {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const Quantity kQ = Quantity::dW(1);

// Numeric values with no error of their own and no kinks: only the tolerance judges.
NumericQuantity exact(const arma::mat& value) {
  const auto size = arma::size(value);
  return {value, arma::mat(size, arma::fill::zeros), arma::umat(size, arma::fill::zeros),
          arma::mat(size, arma::fill::zeros), arma::mat(size, arma::fill::zeros)};
}

const arma::mat kNumeric{{0.5, -1.25, 2.0}, {0.75, 3.0, -0.125}};

// No rounding magnitude (an empty matrix): only rtol and the scheme's error bound allow slack.
QuantityCheck check(const arma::mat& claimed, const NumericQuantity& n, arma::uword m = 4,
                    Convention expected = Convention::mean, Tolerance t = {}) {
  return compare(kQ, claimed, n, arma::mat(), m, expected, t);
}

TEST(Compare, ExactAgreementPasses) {
  const QuantityCheck c = check(kNumeric, exact(kNumeric));
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.quantity, kQ);
  EXPECT_EQ(c.matched, std::optional<Convention>(Convention::mean));
  EXPECT_EQ(c.rel_diff, 0.0);
  EXPECT_EQ(c.failing_entries, 0u);
  EXPECT_FALSE(c.non_finite);
  EXPECT_TRUE(c.shape_ok());
  EXPECT_TRUE(arma::approx_equal(c.claimed, kNumeric, "absdiff", 0.0));
}

TEST(Compare, NaNOrInfOnEitherSideFails) {
  for (double bad : {kNaN, kInf, -kInf}) {
    arma::mat claimed = kNumeric;
    claimed(1, 2) = bad;
    const QuantityCheck mine = check(claimed, exact(kNumeric));
    EXPECT_FALSE(mine.passed) << bad;
    EXPECT_TRUE(mine.non_finite) << bad;
    EXPECT_FALSE(mine.matched.has_value()) << bad;
    EXPECT_TRUE(std::isnan(mine.rel_diff)) << bad;
    EXPECT_EQ(mine.worst.row, 1u);
    EXPECT_EQ(mine.worst.col, 2u);

    arma::mat numeric = kNumeric;
    numeric(0, 1) = bad;
    const QuantityCheck theirs = check(kNumeric, exact(numeric));
    EXPECT_FALSE(theirs.passed) << bad;
    EXPECT_TRUE(theirs.non_finite) << bad;
    EXPECT_FALSE(theirs.matched.has_value()) << bad;
    EXPECT_TRUE(std::isnan(theirs.rel_diff)) << bad;
  }
}

// A NaN claim's relative error is NaN, not 0, and the NaN entry is the worst even when another
// entry is wrong by far (its rel.err would otherwise read 0.00e+00 beside a 1.0).
TEST(Compare, ANaNClaimIsTheWorstEntryWithARelativeErrorOfNaN) {
  arma::mat claimed = kNumeric;
  claimed(0, 0) = -kNumeric(0, 0);  // wrong: relative error 1
  claimed(1, 2) = kNaN;
  const QuantityCheck q = check(claimed, exact(kNumeric));
  EXPECT_EQ(q.worst.row, 1u);
  EXPECT_EQ(q.worst.col, 2u);
  EXPECT_TRUE(std::isnan(q.worst.rel_error));
  EXPECT_TRUE(std::isnan(relative_error(kNaN, 1.0)));
  EXPECT_TRUE(std::isnan(relative_error(1.0, kInf)));
  EXPECT_EQ(relative_error(0.0, 0.0), 0.0);
  EXPECT_EQ(relative_error(2.0, 1.0), 0.5);
  EXPECT_TRUE(worse_error(kNaN, 1.0));
  EXPECT_FALSE(worse_error(1.0, kNaN));
  EXPECT_FALSE(worse_error(kNaN, kNaN));
  EXPECT_TRUE(worse_error(0.5, 0.25));
  EXPECT_FALSE(worse_error(0.25, 0.5));
}

TEST(Compare, NonFiniteEverywhereStillFails) {
  const arma::mat nan(2, 3, arma::fill::value(kNaN));
  const QuantityCheck c = check(nan, exact(nan));
  EXPECT_FALSE(c.passed);
  EXPECT_TRUE(c.non_finite);
}

TEST(Compare, TwoExactZerosPass) {
  const arma::mat zeros(2, 3, arma::fill::zeros);
  for (Convention expected : {Convention::mean, Convention::sum}) {
    const QuantityCheck c = check(zeros, exact(zeros), 4, expected);
    EXPECT_TRUE(c.passed);
    EXPECT_EQ(c.matched, std::optional<Convention>(expected));
    EXPECT_EQ(c.rel_diff, 0.0);
    EXPECT_EQ(c.worst.rel_error, 0.0);
  }
}

TEST(Compare, ANonzeroClaimWhereTheGradientIsZeroFails) {
  arma::mat claimed(2, 3, arma::fill::zeros);
  claimed(0, 0) = 1e-3;
  EXPECT_FALSE(check(claimed, exact(arma::mat(2, 3, arma::fill::zeros))).passed);
}

TEST(Compare, ADeadUnitsZeroAgainstRoundingNoiseDoesNotCountInTheRelativeDifference) {
  // Row 0 is a dead unit: the claim is exactly 0, the numeric value noise within its error.
  arma::mat value = kNumeric;
  value.row(0) = arma::rowvec{3e-14, -2e-14, 1e-14};
  NumericQuantity n = exact(value);
  n.error_bound.row(0).fill(1e-13);
  arma::mat claimed = kNumeric;
  claimed.row(0).zeros();
  const QuantityCheck c = check(claimed, n);
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.rel_diff, 0.0);
  // A whole quantity of dead units: the metric alone would say 1.
  const QuantityCheck dead = check(arma::mat(1, 3, arma::fill::zeros), [] {
    NumericQuantity d = exact(arma::mat{{3e-14, -2e-14, 1e-14}});
    d.error_bound.fill(1e-13);
    return d;
  }());
  EXPECT_TRUE(dead.passed);
  EXPECT_EQ(dead.rel_diff, 0.0);
  // A claim above the noise still counts, against the noise it is compared with.
  claimed(0, 0) = 1e-3;
  const QuantityCheck wrong = check(claimed, n);
  EXPECT_FALSE(wrong.passed);
  EXPECT_GT(wrong.rel_diff, 1e-5);
}

TEST(Compare, MTimesTooLargeIsTheSumConvention) {
  const arma::uword m = 5;
  const QuantityCheck c = check(5.0 * kNumeric, exact(kNumeric), m, Convention::mean);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.expected, Convention::mean);
  EXPECT_EQ(c.matched, std::optional<Convention>(Convention::sum));
  EXPECT_EQ(c.failing_entries, kNumeric.n_elem);
  // rel_diff is against the matched convention; numeric stays in the expected one.
  EXPECT_LT(c.rel_diff, 1e-15);
  EXPECT_TRUE(arma::approx_equal(c.numeric, kNumeric, "absdiff", 0.0));
}

TEST(Compare, MTimesTooSmallIsTheMeanConvention) {
  const arma::uword m = 5;
  const QuantityCheck c = check(kNumeric, exact(kNumeric), m, Convention::sum);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.matched, std::optional<Convention>(Convention::mean));
  // In the sum convention, the numeric values are m times the mean ones.
  EXPECT_TRUE(arma::approx_equal(c.numeric, arma::mat(5.0 * kNumeric), "absdiff", 0.0));
  EXPECT_TRUE(check(5.0 * kNumeric, exact(kNumeric), m, Convention::sum).passed);
}

TEST(Compare, AnotherFactorMatchesNoConvention) {
  const QuantityCheck c = check(2.0 * kNumeric, exact(kNumeric), 5);
  EXPECT_FALSE(c.passed);
  EXPECT_FALSE(c.matched.has_value());
  EXPECT_NEAR(c.rel_diff, 1.0 / 3.0, 1e-15);  // ||2n - n|| / (||2n|| + ||n||)
}

TEST(Compare, ShapeMismatchFailsAndReportsBothShapes) {
  const QuantityCheck c = check(kNumeric.t(), exact(kNumeric));
  EXPECT_FALSE(c.passed);
  EXPECT_FALSE(c.shape_ok());
  EXPECT_FALSE(c.matched.has_value());
  EXPECT_TRUE((c.claimed_shape == Shape{3, 2}));
  EXPECT_TRUE((c.expected_shape == Shape{2, 3}));
  // A bias gradient summed over the wrong axis: 1 x m where n x 1 was expected.
  const QuantityCheck bias = compare(
      Quantity::db(1), arma::mat(1, 4, arma::fill::ones), exact(arma::mat(3, 1, arma::fill::ones)),
      arma::mat(3, 1, arma::fill::ones), 4, Convention::mean, Tolerance{});
  EXPECT_FALSE(bias.passed);
  EXPECT_TRUE((bias.claimed_shape == Shape{1, 4}));
  EXPECT_TRUE((bias.expected_shape == Shape{3, 1}));
}

RC_GTEST_PROP(Compare, WorstEntryIsTheCorruptedOne, ()) {
  const auto rows = *rc::gen::inRange<arma::uword>(1, 6);
  const auto cols = *rc::gen::inRange<arma::uword>(1, 6);
  arma::mat numeric(rows, cols);
  for (arma::uword k = 0; k < numeric.n_elem; ++k)
    numeric[k] = static_cast<double>(*rc::gen::inRange(-1000, 1001)) / 100;
  const auto r = *rc::gen::inRange<arma::uword>(0, rows);
  const auto c = *rc::gen::inRange<arma::uword>(0, cols);
  arma::mat claimed = numeric;
  const double error = static_cast<double>(*rc::gen::inRange(1, 1000)) / 1000;
  claimed(r, c) += error;
  const QuantityCheck q = check(claimed, exact(numeric));
  RC_ASSERT(!q.passed);
  RC_ASSERT(q.failing_entries == 1u);
  RC_ASSERT(q.worst.row == r);
  RC_ASSERT(q.worst.col == c);
  RC_ASSERT(q.worst.claimed == claimed(r, c));
  RC_ASSERT(q.worst.numeric == numeric(r, c));
  RC_ASSERT(std::abs(q.worst.abs_error - error) < 1e-12);
  RC_ASSERT(!q.worst.at_kink);
}

TEST(Compare, RelativeToleranceFollowsThePrecision) {
  const Tolerance f64 = Tolerance::for_precision(Precision::float64);
  const Tolerance f32 = Tolerance::for_precision(Precision::float32);
  EXPECT_EQ(f64.rtol, 1e-7);
  EXPECT_EQ(f64.epsilon, 0x1p-52);
  EXPECT_EQ(f32.rtol, 2e-4);
  EXPECT_EQ(f32.epsilon, 0x1p-23);
  const arma::mat close = kNumeric * (1 + 5e-8);
  const arma::mat off = kNumeric * (1 + 1e-6);
  EXPECT_TRUE(check(close, exact(kNumeric), 4, Convention::mean, f64).passed);
  EXPECT_FALSE(check(off, exact(kNumeric), 4, Convention::mean, f64).passed);
  EXPECT_TRUE(check(off, exact(kNumeric), 4, Convention::mean, f32).passed);
  EXPECT_FALSE(
      check(arma::mat(kNumeric * (1 + 1e-3)), exact(kNumeric), 4, Convention::mean, f32).passed);
}

TEST(Compare, RoundingAllowanceFollowsEachEntrysMagnitude) {
  // An entry summed from terms of size 1e6 that cancel to 0 may be off by ulps * eps * 1e6
  // (~1.4e-8 in float64) in correct code; an entry of small terms may not.
  const arma::mat numeric{{1.0, 0.0, 0.0}};
  const arma::mat magnitude{{1.0, 1e6, 1.0}};
  const Tolerance t;
  auto judged = [&](const arma::mat& claimed, Convention expected, arma::uword m) {
    return compare(kQ, claimed, exact(numeric), magnitude, m, expected, t);
  };
  EXPECT_TRUE(judged(arma::mat{{1.0, 1e-8, 0.0}}, Convention::mean, 4).passed);
  EXPECT_FALSE(judged(arma::mat{{1.0, 1e-7, 0.0}}, Convention::mean, 4).passed);
  EXPECT_FALSE(judged(arma::mat{{1.0, 0.0, 1e-8}}, Convention::mean, 4).passed);
  // In the sum convention the magnitudes are m times larger, as the gradients are.
  EXPECT_TRUE(judged(arma::mat{{4.0, 4e-8, 0.0}}, Convention::sum, 4).passed);
  EXPECT_FALSE(judged(arma::mat{{4.0, 4e-7, 0.0}}, Convention::sum, 4).passed);
}

TEST(Compare, SchemeErrorBoundWidensTheAllowanceBySafety) {
  NumericQuantity n = exact(kNumeric);
  n.error_bound.fill(1e-6);                        // far above rtol * |n|
  EXPECT_TRUE(check(kNumeric + 3e-6, n).passed);   // within 4 bounds
  EXPECT_FALSE(check(kNumeric + 5e-6, n).passed);  // outside
}

// One kink entry at (0, 1) with one-sided derivatives 0.25 and 1.
NumericQuantity with_kink() {
  NumericQuantity n = exact(kNumeric);
  n.value(0, 1) = 0.6;  // what the stencil straddling the kink happened to give
  n.at_kink(0, 1) = 1;
  n.left(0, 1) = 1.0;
  n.right(0, 1) = 0.25;
  return n;
}

TEST(Compare, KinkRuleAcceptsAnyValueBetweenTheOneSidedDerivatives) {
  for (double claimed_value : {0.25, 0.4, 0.6, 1.0}) {
    arma::mat claimed = kNumeric;
    claimed(0, 1) = claimed_value;
    const QuantityCheck c = check(claimed, with_kink());
    EXPECT_TRUE(c.passed) << claimed_value;
    EXPECT_EQ(c.kink_entries, 1u);
    EXPECT_EQ(c.kink_unverified, 0u);
    EXPECT_EQ(c.failing_entries, 0u);
  }
}

TEST(Compare, KinkRuleRejectsAValueOutsideTheOneSidedDerivatives) {
  // One kink crossed: the function is J(x) + l t for t < 0 and J(x) + r t for t > 0, and every
  // subgradient a backprop can produce (relu'(0) anywhere in [0, 1]) lies between l and r.
  // A claim outside is wrong code, e.g. the sign flipped on the kink entry alone.
  for (double claimed_value : {0.2, 1.05, -1.0}) {
    arma::mat claimed = kNumeric;
    claimed(0, 1) = claimed_value;
    const QuantityCheck c = check(claimed, with_kink());
    EXPECT_FALSE(c.passed) << claimed_value;
    EXPECT_EQ(c.kink_entries, 1u);
    EXPECT_EQ(c.failing_entries, 1u) << claimed_value;
    EXPECT_EQ(c.worst.row, 0u);
    EXPECT_EQ(c.worst.col, 1u) << claimed_value;
    EXPECT_TRUE(c.worst.at_kink) << claimed_value;
  }
}

TEST(Compare, SeveralKinksCrossedAtOnceCountAnOutsideClaimAsUnverified) {
  // Two relu inputs on 0 moved to opposite sides: relu'(0) = 0 for both is a valid subgradient
  // that neither one-sided derivative equals, so an outside claim is counted, not failed.
  NumericQuantity n = with_kink();
  n.at_kink(0, 1) = 2;
  arma::mat claimed = kNumeric;
  claimed(0, 1) = -1.0;
  const QuantityCheck c = check(claimed, n);
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.kink_entries, 1u);
  EXPECT_EQ(c.kink_unverified, 1u);
  EXPECT_EQ(c.failing_entries, 0u);
}

TEST(Compare, KinkBracketIsScaledWithTheConvention) {
  // In the sum convention the one-sided derivatives are m times larger too.
  arma::mat claimed = 4.0 * kNumeric;
  claimed(0, 1) = 4 * 0.3;  // inside [4 * 0.25, 4 * 1]
  const QuantityCheck inside = check(claimed, with_kink(), 4, Convention::sum);
  EXPECT_TRUE(inside.passed);
  EXPECT_EQ(inside.kink_entries, 1u);
  EXPECT_EQ(inside.kink_unverified, 0u);
  claimed(0, 1) = 0.3;  // the mean convention's value: outside the bracket, one kink: wrong
  const QuantityCheck outside = check(claimed, with_kink(), 4, Convention::sum);
  EXPECT_EQ(outside.kink_entries, 1u);
  EXPECT_FALSE(outside.passed);
  EXPECT_EQ(outside.failing_entries, 1u);
}

TEST(Compare, RelativeDifferenceLeavesKinkEntriesOut) {
  // At a kink the numeric value is a blend of two slopes: it says nothing about the claim.
  arma::mat claimed = kNumeric;
  claimed(0, 1) = 0.25;  // numeric says 0.6 there
  EXPECT_EQ(check(claimed, with_kink()).rel_diff, 0.0);
}

TEST(Compare, RelativeDifferenceIsTheCoursesFormula) {
  const arma::mat g{{3.0, 0.0}}, n{{0.0, 4.0}};
  EXPECT_DOUBLE_EQ(relative_difference(g, n), 5.0 / 7.0);
  EXPECT_EQ(
      relative_difference(arma::mat(2, 2, arma::fill::zeros), arma::mat(2, 2, arma::fill::zeros)),
      0.0);
  EXPECT_DOUBLE_EQ(relative_difference(g, arma::mat(-g)), 1.0);
  EXPECT_DOUBLE_EQ(relative_difference(kNumeric, kNumeric), 0.0);
}

}  // namespace
}  // namespace gradfuzz

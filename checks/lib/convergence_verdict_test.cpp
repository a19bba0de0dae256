// The convergence-rate verdict, and compare() settling borderline entries with it.
#include "gradfuzz/convergence_verdict.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>

#include "case_gen.hpp"
#include "gradfuzz/compare.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

// A case without kinks, one of its parameter entries, and the reference gradient there (the
// mean convention).
struct Entry {
  Case c;
  Quantity q;
  arma::uword row = 0, col = 0;
  double gradient = 0;
};

Entry arbitrary_entry() {
  checks::RecipeLimits smooth;
  smooth.kinks = false;
  Entry e{make_case(*checks::arbitrary_recipe(smooth)), Quantity::dW(1)};
  const std::vector<Quantity> parameters = parameter_quantities(e.c);
  e.q = *rc::gen::elementOf(parameters);
  const Shape s = expected_shape(e.c, e.q);
  e.row = *rc::gen::inRange<arma::uword>(0, s.rows);
  e.col = *rc::gen::inRange<arma::uword>(0, s.cols);
  e.gradient = ReferenceBackprop().gradients(e.c).at(e.q)(e.row, e.col);
  return e;
}

RC_GTEST_PROP(ConvergenceVerdict, RightGradientConverges, ()) {
  const Entry e = arbitrary_entry();
  const double allowance = Tolerance{}.rtol * std::abs(e.gradient);
  const ConvergenceStudy s = study_convergence(e.c, e.q, e.row, e.col, e.gradient, allowance);
  RC_ASSERT(s.verdict == Convergence::converges);
  RC_ASSERT(s.points.size() == 25u);
  // Where truncation shows at all, it falls at the central difference's order.
  RC_ASSERT(std::isnan(s.order) || s.order >= 1.5);
}

RC_GTEST_PROP(ConvergenceVerdict, WrongGradientStalls, ()) {
  const Entry e = arbitrary_entry();
  const double mistake = (1e-4 + 1e-3 * std::abs(e.gradient)) * *rc::gen::element(-1.0, 1.0);
  const double claimed = e.gradient + mistake;
  const double allowance = Tolerance{}.rtol * std::abs(claimed);
  const ConvergenceStudy s = study_convergence(e.c, e.q, e.row, e.col, claimed, allowance);
  RC_ASSERT(s.verdict == Convergence::stalls);
  RC_ASSERT(s.order < 0.5);
  // The best estimate resolves the mistake to within a few percent.
  RC_ASSERT(std::abs(s.resolved_error - std::abs(mistake)) <= 0.05 * std::abs(mistake));
}

TEST(ConvergenceVerdict, NamesRoundTrip) {
  for (Convergence v : {Convergence::converges, Convergence::stalls, Convergence::inconclusive})
    EXPECT_EQ(find_convergence(to_string(v)), v);
  EXPECT_FALSE(find_convergence("converged"));
}

// A 3-2-1 tanh/sigmoid case, its reference dW1 and its central-difference dW1.
struct Borderline {
  Case c =
      make_case(parse_recipe("v1;sizes=3,2,1;act=tanh,sigmoid;loss=bce;lambda=0;slope=0.01;"
                             "m=4;seed=9;scale=1;values=continuous;labels=hard"));
  arma::mat claimed = ReferenceBackprop().gradients(c).at(Quantity::dW(1));
  NumericQuantity numeric =
      numeric_gradients(c, *make_scheme(Scheme::central), {Quantity::dW(1)}).at(Quantity::dW(1));
  BorderlineJudge judge = [this](arma::uword row, arma::uword col, double claimed_mean,
                                 double allowance_mean) {
    ++asked;
    return study_convergence(c, Quantity::dW(1), row, col, claimed_mean, allowance_mean).verdict ==
           Convergence::converges;
  };
  int asked = 0;

  // Moves entry (0, 1) of one side 3x its allowance away from the other.
  void move(arma::mat& side) {
    const Tolerance t;
    const double allowed =
        t.safety * numeric.error_bound(0, 1) + t.rtol * std::abs(numeric.value(0, 1));
    side(0, 1) += 3 * allowed;
  }
};

TEST(CompareBorderline, AFiniteDifferenceOffByLittleIsSettledAsRight) {
  // The estimate is off by 3x its allowance (as a poorly resolved difference may be); the
  // claim is the exact gradient. Without a judge the entry fails; the study settles it.
  Borderline b;
  b.move(b.numeric.value);
  const QuantityCheck unsettled =
      compare(Quantity::dW(1), b.claimed, b.numeric, {}, 4, Convention::mean, Tolerance{});
  EXPECT_FALSE(unsettled.passed);
  EXPECT_EQ(unsettled.failing_entries, 1u);
  const QuantityCheck settled =
      compare(Quantity::dW(1), b.claimed, b.numeric, {}, 4, Convention::mean, Tolerance{}, b.judge);
  EXPECT_TRUE(settled.passed);
  EXPECT_EQ(settled.failing_entries, 0u);
  EXPECT_EQ(settled.borderline_settled, 1u);
  EXPECT_EQ(b.asked, 1);
}

TEST(CompareBorderline, AClaimOffByLittleStaysWrong) {
  // Now the claim is off by 3x the allowance and the estimate is right: the study resolves
  // the mistake and the entry keeps failing.
  Borderline b;
  b.move(b.claimed);
  const QuantityCheck check =
      compare(Quantity::dW(1), b.claimed, b.numeric, {}, 4, Convention::mean, Tolerance{}, b.judge);
  EXPECT_FALSE(check.passed);
  EXPECT_EQ(check.failing_entries, 1u);
  EXPECT_EQ(check.borderline_settled, 0u);
  EXPECT_EQ(b.asked, 1);
}

TEST(CompareBorderline, FarOffEntriesAreNotPutToTheJudge) {
  Borderline b;
  b.claimed(0, 1) += 1;
  const QuantityCheck check =
      compare(Quantity::dW(1), b.claimed, b.numeric, {}, 4, Convention::mean, Tolerance{}, b.judge);
  EXPECT_FALSE(check.passed);
  EXPECT_EQ(b.asked, 0);
}

}  // namespace
}  // namespace gradfuzz

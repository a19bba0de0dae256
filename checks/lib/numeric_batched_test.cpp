// The batched engine of numeric_gradients against its oracle, the entry-by-entry path
// (detail::numeric_gradients_entrywise): same estimates, error bounds and kink marking.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <string>

#include "case_gen.hpp"
#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/perturbation.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz {
namespace {

using checks::every_quantity;

// The two paths evaluate J with the same terms summed in another order (a rank-1 update
// instead of a full product, one example's loss change instead of the whole batch's sum), so
// their evaluations of J differ by rounding only. The schemes already charge for J's rounding
// (detail::rounding_bound); weight 8 covers every combination of evaluations an estimate or its
// bound takes (the one-sided kink derivatives weigh 4 per side, their bound adds both).
double allowance(const CostProbe& probe, const DifferenceScheme& scheme, double value) {
  return 1e-9 * std::abs(value) + detail::rounding_bound(probe, 8, scheme.step(probe.entry()));
}

struct Agreement {
  std::string mismatch;  ///< the first entry where the paths disagree, empty if none
  arma::uword kink_entries = 0;
};

Agreement compare_paths(const Case& c, const DifferenceScheme& scheme) {
  const std::vector<Quantity> all = every_quantity(c);
  const NumericGradients batched = numeric_gradients(c, scheme, all);
  const NumericGradients oracle = detail::numeric_gradients_entrywise(c, scheme, all);
  const ForwardPass base = forward(c);
  CostProbe probe(c, base);
  Agreement out;
  for (Quantity q : all) {
    const NumericQuantity& b = batched.at(q);
    const NumericQuantity& o = oracle.at(q);
    if (arma::size(b.value) != arma::size(o.value)) return {q.name() + " has another shape", 0};
    for (arma::uword j = 0; j < o.value.n_cols; ++j)
      for (arma::uword i = 0; i < o.value.n_rows; ++i) {
        probe.select(q, i, j);
        const auto differ = [&](const arma::mat& x, const arma::mat& y) {
          return !(std::abs(x(i, j) - y(i, j)) <= allowance(probe, scheme, y(i, j)));
        };
        std::string what;
        if (b.at_kink(i, j) != o.at_kink(i, j))
          what = "kinks crossed " + std::to_string(b.at_kink(i, j)) + " vs " +
                 std::to_string(o.at_kink(i, j));
        else if (differ(b.value, o.value))
          what = "value";
        else if (differ(b.error_bound, o.error_bound))
          what = "error bound";
        else if (differ(b.left, o.left) || differ(b.right, o.right))
          what = "one-sided derivatives";
        if (!what.empty() && out.mismatch.empty())
          out.mismatch = std::string(to_string(scheme.kind())) + " " + q.name() + "(" +
                         std::to_string(i) + "," + std::to_string(j) + "): " + what + " (batched " +
                         std::to_string(b.value(i, j)) + ", oracle " +
                         std::to_string(o.value(i, j)) + ")";
        out.kink_entries += o.at_kink(i, j) ? 1 : 0;
      }
  }
  return out;
}

void expect_same(const Case& c, const DifferenceScheme& scheme) {
  const Agreement a = compare_paths(c, scheme);
  RC_LOG() << c.replay << "\n" << a.mismatch << "\n";
  RC_TAG(a.kink_entries ? "kinks" : "smooth");
  RC_ASSERT(a.mismatch.empty());
}

RC_GTEST_PROP(NumericBatched, CentralEqualsTheEntryByEntryOracle, ()) {
  expect_same(make_case(*checks::arbitrary_recipe()), *make_scheme(Scheme::central));
}

RC_GTEST_PROP(NumericBatched, ForwardAndFivePointEqualTheOracle, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  expect_same(c, *make_scheme(Scheme::forward));
  expect_same(c, *make_scheme(Scheme::five_point));
}

RC_GTEST_PROP(NumericBatched, KinksOnPurposeAreMarkedAlike, ()) {
  // Values on a grid of halves put relu inputs exactly on 0: the kink bookkeeping must agree.
  CaseRecipe r = *checks::arbitrary_recipe();
  r.values = ValueGrid::grid;
  expect_same(make_case(r), *make_scheme(Scheme::central));
}

RC_GTEST_PROP(NumericBatched, WiderBatchesAndLayersEqualTheOracle, ()) {
  // Big enough for several blocks and both threads.
  checks::RecipeLimits limits;
  limits.max_width = 12;
  limits.max_batch = 40;
  limits.min_depth = 2;
  expect_same(make_case(*checks::arbitrary_recipe(limits)), *make_scheme(Scheme::central));
}

TEST(NumericBatched, SingleExampleRegularizedReluOnItsKinks) {
  // m = 1, L2 on, relu and leaky_relu inputs exactly on 0 (grid values), every scheme.
  CaseRecipe r;
  r.spec.sizes = {3, 5, 4, 1};
  r.spec.activations = {Activation::relu, Activation::leaky_relu, Activation::sigmoid};
  r.spec.loss = Loss::bce;
  r.spec.lambda = 0.7;
  r.batch = 1;
  r.values = ValueGrid::grid;
  arma::uword kink_entries = 0;
  for (r.seed = 1; r.seed <= 20; ++r.seed)
    for (Scheme s : {Scheme::forward, Scheme::central, Scheme::five_point}) {
      const Agreement a = compare_paths(make_case(r), *make_scheme(s));
      EXPECT_EQ(a.mismatch, "") << to_string(r);
      kink_entries += a.kink_entries;
    }
  EXPECT_GT(kink_entries, 0u) << "the grid cases are meant to sit on relu kinks";
}

TEST(NumericBatched, ChangesThatCancelExactlyLeaveKinksToTheOracle) {
  // Case 4715 of the reference campaign with seed 2: shifting W1(1,0) by -2h moves Z3(1,5),
  // exactly 0 in the base, by changes that cancel exactly (grid values). The oracle's sums
  // keep it at 0 (no crossing); a rank-1 update and another order leave 1e-17 (a crossing).
  // The engine hands such pairs to the probe, so the kink marking stays the oracle's.
  const Case c =
      make_case(parse_recipe("v1;sizes=6,5,4,2;act=relu,relu,relu;loss=mse;lambda=0;slope=0.01;m=8;"
                             "seed=12267577956414134369;scale=1;values=grid;labels=soft"));
  const Agreement a = compare_paths(c, *make_scheme(Scheme::central));
  EXPECT_EQ(a.mismatch, "");
  EXPECT_GT(a.kink_entries, 0u);
}

}  // namespace
}  // namespace gradfuzz

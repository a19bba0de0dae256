#include "gradfuzz/directional_check.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>

#include "case_gen.hpp"
#include "gradfuzz/detail/cost_line.hpp"
#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/mutants.hpp"
#include "gradfuzz/perturbation.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"
#include "test_support.hpp"

namespace gradfuzz {
namespace {

using A = Activation;

CheckOptions fast_options(double miss_probability = 1e-6, std::uint64_t seed = 1) {
  CheckOptions o;
  o.mode = CheckMode::fast;
  o.fast.miss_probability = miss_probability;
  o.fast.seed = seed;
  return o;
}

/// The reference's gradients with an edit applied.
class Planted : public GradientSource {
 public:
  explicit Planted(std::function<void(Gradients&)> edit) : edit_(std::move(edit)) {}
  SourceInfo info() const override {
    SourceInfo i = reference_.info();
    i.name = "planted";
    return i;
  }
  Gradients gradients(const Case& c) override {
    Gradients g = reference_.gradients(c);
    for (auto it = g.begin(); it != g.end();)  // parameters only
      it = it->first.is_parameter() ? std::next(it) : g.erase(it);
    edit_(g);
    return g;
  }

 private:
  ReferenceBackprop reference_;
  std::function<void(Gradients&)> edit_;
};

Case medium_case(std::uint64_t seed = 4) {
  CaseRecipe r;
  r.spec.sizes = {7, 6, 5, 3};
  r.spec.activations = {A::tanh, A::sigmoid, A::softmax};
  r.spec.loss = Loss::ce;
  r.spec.lambda = 0.2;
  r.batch = 9;
  r.seed = seed;
  return make_case(r);
}

TEST(DirectionsFor, MeetsTheRequestedMissProbability) {
  for (double p : {0.5, 1e-3, 1e-6, 1e-12})
    for (double ratio : {2.0, 10.0, 1e3, 1e9}) {
      const std::size_t k = directions_for(p, 1.0, ratio);
      const double q = std::min(0.1, std::sqrt(2 / M_PI) / ratio);
      EXPECT_LE(std::pow(q, static_cast<double>(k)), p * (1 + 1e-9)) << p << " " << ratio;
      EXPECT_GE(k, 2u);
      if (k > 2) {  // the least such k
        EXPECT_GT(std::pow(q, static_cast<double>(k - 1)), p);
      }
      // The stated threshold for that k is what the bound guarantees.
      const double X = miss_threshold(1.0, p, k);
      EXPECT_NEAR(std::pow(std::sqrt(2 / M_PI) / X, static_cast<double>(k)), p, p * 1e-9);
    }
}

TEST(DirectionsFor, RejectsImpossibleProbabilities) {
  for (double p : {0.0, 1.0, -1.0, std::nan("")})
    EXPECT_MENTIONS(checks::message_of<std::invalid_argument>([&] { directions_for(p, 1, 1); }),
                    "strictly between 0 and 1");
  EXPECT_TRUE(std::isinf(miss_threshold(1.0, 1e-6, 0)));
}

// J along a one-entry direction is J with that entry moved: the line agrees with CostProbe.
RC_GTEST_PROP(CostLine, AgreesWithCostProbeAlongOneEntry, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const ForwardPass base = forward(c);
  const auto qs = parameter_quantities(c);
  const Quantity q = *rc::gen::elementOf(qs);
  const Shape s = expected_shape(c, q);
  const arma::uword i = *rc::gen::inRange<arma::uword>(0, s.rows);
  const arma::uword j = *rc::gen::inRange<arma::uword>(0, s.cols);
  Gradients v{{q, arma::zeros(s.rows, s.cols)}};
  v[q](i, j) = 1;
  const detail::CostLine line(c, base, v);
  CostProbe probe(c, base);
  probe.select(q, i, j);
  for (double t : {-0.3, 1e-4, 0.7}) {
    const double a = line.cost(t), b = probe.cost(t);
    RC_ASSERT(std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)));
  }
}

RC_GTEST_PROP(FastMode, ReferencePassesWithAStatedBound, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  ReferenceBackprop reference;
  const CaseResult r = check_case(c, reference, fast_options());
  RC_ASSERT(r.passed());
  RC_ASSERT(r.fast.has_value());
  RC_ASSERT(r.fast->directions >= 2u);
  RC_ASSERT(r.fast->threshold > 0);
  RC_ASSERT(std::isfinite(r.fast->threshold));
  RC_ASSERT(r.checks.size() == parameter_quantities(c).size() + 2 * c.depth());
  for (const QuantityCheck& q : r.checks) {
    RC_ASSERT(q.directional);
    RC_ASSERT(q.matched == q.expected);
    RC_ASSERT(q.localized.empty());
  }
}

// A single wrong entry anywhere is named: its quantity alone fails, and group testing finds it.
RC_GTEST_PROP(FastMode, LocalizesASinglePlantedEntry, ()) {
  const Case c = medium_case(*rc::gen::inRange<std::uint64_t>(1, 1000));
  const auto qs = parameter_quantities(c);
  const Quantity q = *rc::gen::elementOf(qs);
  const Shape s = expected_shape(c, q);
  const arma::uword i = *rc::gen::inRange<arma::uword>(0, s.rows);
  const arma::uword j = *rc::gen::inRange<arma::uword>(0, s.cols);
  const double shift = *rc::gen::element(1e-3, -0.05, 0.5);
  Planted planted([&](Gradients& g) { g[q](i, j) += shift; });
  const CaseResult r = check_case(c, planted, fast_options());
  RC_ASSERT(!r.passed());
  for (const QuantityCheck& check : r.checks) {
    RC_ASSERT(check.passed == (check.quantity != q));
    if (check.quantity != q) continue;
    RC_ASSERT(check.localized.size() == 1u);
    RC_ASSERT(check.localized[0].row == i);
    RC_ASSERT(check.localized[0].col == j);
    // The entry's own finite difference is the reference's value.
    const double truth = check.claimed(i, j) - shift;
    RC_ASSERT(std::abs(check.localized[0].numeric - truth) <=
              1e-6 * std::max(1.0, std::abs(truth)));
    RC_ASSERT(check.failing_entries == 1u);
    RC_ASSERT(check.worst.row == i && check.worst.col == j);
  }
}

// Every mutant is caught in fast mode; the quantities fast mode blames are ones the full check
// fails on the same case, and every other quantity the full check fails has an error below
// the threshold fast mode states (clipped predictions move some gradients by 1e-9 only); the
// shrunk case is diagnosed as the catalogue says (by the full check).
TEST(FastMode, CatchesAndLocalizesEveryMutant) {
  for (const MutantInfo& m : mutant_catalogue()) {
    SCOPED_TRACE(m.name);
    CampaignOptions hunt;
    hunt.seed = 1;
    hunt.cases = 100;
    hunt.check = fast_options();
    hunt.generate = focused_on(hunt.generate, m.domain);
    const auto mutant = make_mutant(m.name);
    const CampaignResult result = fuzz(*mutant, hunt);
    ASSERT_TRUE(result.failure.has_value());
    const Failure& f = *result.failure;
    ASSERT_TRUE(f.found.fast.has_value());
    ASSERT_TRUE(f.shrunk.fast.has_value());
    EXPECT_TRUE(f.shrunk.fast->diagnosed_by_full_check);
    ASSERT_TRUE(f.shrunk.diagnosis.has_value());
    EXPECT_EQ(f.shrunk.diagnosis->id, m.diagnosis);

    std::set<std::string> fast_blames, full_fails;
    for (const QuantityCheck* q : f.found.failures()) fast_blames.insert(q->quantity.name());
    const CaseResult full = check_case(f.found.c, *mutant, CheckOptions{});
    for (const QuantityCheck* q : full.failures()) full_fails.insert(q->quantity.name());
    EXPECT_FALSE(fast_blames.empty());
    for (const std::string& name : fast_blames) EXPECT_TRUE(full_fails.contains(name)) << name;
    for (const QuantityCheck* q : full.failures()) {
      if (fast_blames.contains(q->quantity.name())) continue;
      EXPECT_LT(arma::norm(q->claimed - q->numeric, "fro"), f.found.fast->threshold)
          << q->quantity.name() << " fails in full but fast mode did not blame it";
    }
    // Each localized entry fails in the full check too.
    for (const QuantityCheck* q : f.found.failures()) {
      if (!q->shape_ok() || q->non_finite) continue;
      for (const QuantityCheck& fq : full.checks)
        if (fq.quantity == q->quantity)
          for (const EntryError& e : q->localized) {
            const double n = fq.numeric(e.row, e.col), g = fq.claimed(e.row, e.col);
            EXPECT_GT(std::abs(g - n), 1e-7 * std::max(std::abs(g), std::abs(n)))
                << q->quantity.name() << " (" << e.row << "," << e.col << ")";
          }
    }
  }
}

// The stated bound, measured: an error of norm X (the threshold stated for P) spread at random
// over every parameter is caught at least at rate 1 - P; one a hundred times smaller mostly is not
// (the threshold is not vacuous).
TEST(FastMode, MissRateAtTheStatedThresholdIsBelowTheStatedProbability) {
  const Case c = medium_case();
  constexpr double P = 0.2;
  ReferenceBackprop reference;
  const CaseResult clean = check_case(c, reference, fast_options(P));
  ASSERT_TRUE(clean.passed());
  const double X = clean.fast->threshold;
  int missed_at_X = 0, missed_small = 0;
  constexpr int kTrials = 300;
  for (int trial = 0; trial < kTrials; ++trial) {
    for (double size : {X, X / 100}) {
      std::mt19937_64 rng(static_cast<std::uint64_t>(trial));
      std::normal_distribution<double> normal;
      Planted planted([&](Gradients& g) {
        double squares = 0;
        Gradients e;
        for (auto& [q, G] : g) {
          e[q] = G;
          for (double& x : e[q]) {
            x = normal(rng);
            squares += x * x;
          }
        }
        for (auto& [q, G] : g) G += e[q] * (size / std::sqrt(squares));
      });
      const CaseResult r =
          check_case(c, planted, fast_options(P, 1000 + static_cast<std::uint64_t>(trial)));
      if (r.passed()) ++(size == X ? missed_at_X : missed_small);
    }
  }
  // Binomial(300, 0.2) exceeds 60 + 3 sigma (sigma ~ 6.9) with probability ~ 1e-3; the bound
  // is loose, so the true rate is far below P.
  EXPECT_LE(missed_at_X, static_cast<int>(kTrials * P + 21)) << "X = " << X;
  EXPECT_GT(missed_small, kTrials / 2);
}

TEST(FastMode, StatementSaysTheThresholdAndProbability) {
  ReferenceBackprop reference;
  const CaseResult r = check_case(medium_case(), reference, fast_options(1e-9));
  ASSERT_TRUE(r.fast.has_value());
  EXPECT_MENTIONS(r.fast->statement(), "would be missed with probability below 1e-09");
  EXPECT_GE(r.fast->directions, 2u);
  // Fewer passes than a full central-difference check would need (4 per parameter).
  EXPECT_LT(r.fast->cost_evaluations, 4 * medium_case().parameter_count());
}

TEST(FastMode, AZeroGradientsStatementHasNoRelativeSize) {
  FastSummary zero;
  zero.directions = 6;
  zero.miss_probability = 1e-6;
  zero.threshold = 8.24e-9;
  zero.relative_threshold = std::numeric_limits<double>::infinity();
  EXPECT_EQ(zero.statement(),
            "a wrong gradient whose error norm exceeds 8.24e-09 (the claimed gradient is 0) would "
            "be missed with probability below 1e-06 (6 random directions)");
  FastSummary some = zero;
  some.relative_threshold = 2.64e-5;
  EXPECT_MENTIONS(some.statement(), "exceeds 8.24e-09 (2.64e-05 relative to the claimed");
}

}  // namespace
}  // namespace gradfuzz

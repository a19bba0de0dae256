// The forward-cost check: a right J passes in its precision, a J with a classic slip (no L2
// term, no 1/m) fails, and check_case reports it as forward_cost.
#include "gradfuzz/cost_check.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <functional>

#include "case_gen.hpp"
#include "gradfuzz/check.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

// The reference, which also says a cost: J, or J passed through `cost_of`.
class Costed final : public ReferenceBackprop {
 public:
  Costed(std::function<double(const Case&)> cost_of, Precision precision = Precision::float64)
      : cost_of_(std::move(cost_of)), precision_(precision) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.name = "costed";
    i.intermediates = false;
    i.precision = precision_;
    return i;
  }
  Gradients gradients(const Case& c) override {
    Gradients g = ReferenceBackprop::gradients(c);
    std::erase_if(g, [](const auto& kv) { return !kv.first.is_parameter(); });
    return g;
  }
  Claim claim(const Case& c) override { return {gradients(c), {}, cost_of_(c)}; }

 private:
  std::function<double(const Case&)> cost_of_;
  Precision precision_;
};

double J(const Case& c) {
  return forward(c).cost;
}

RC_GTEST_PROP(CostCheck, TheReferenceCostPassesAndItsFloat32RoundingToo, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  RC_ASSERT(check_cost(c, J(c), Tolerance::for_precision(Precision::float64)).passed);
  const double rounded = static_cast<double>(static_cast<float>(J(c)));
  RC_ASSERT(check_cost(c, rounded, Tolerance::for_precision(Precision::float32)).passed);
}

RC_GTEST_PROP(CostCheck, ALossWithoutItsL2TermOrItsOneOverMFails, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const ForwardPass f = forward(c);
  const Tolerance t = Tolerance::for_precision(Precision::float64);
  // Only where the slip changes J visibly (not a tiny L2 term or a loss of almost 0).
  const double m = static_cast<double>(c.m());
  const bool l2_shows = f.l2 > 1e-4 * f.cost;
  const bool m_shows = f.loss_sum * (1 - 1 / m) > 1e-4 * f.cost;
  RC_PRE(l2_shows || m_shows);
  if (l2_shows) RC_ASSERT(!check_cost(c, f.cost - f.l2, t).passed);
  if (m_shows) RC_ASSERT(!check_cost(c, f.loss_sum + f.l2, t).passed);
}

TEST(CostCheck, AFloat32LogOfANumberNearOneMayLoseATinyCost) {
  // Found by the float32 false-alarm campaign (seed 2, case 7627): a saturated softmax whose
  // right class has probability 1 - 3.5e-9. NumPy in float32 computes log(sum of exps) = log(1)
  // and J = 0, which float32 cannot tell from 3.5e-9; float64 can.
  const Case c = make_case(
      parse_recipe("v1;sizes=4,2,6,2;act=tanh,tanh,softmax;loss=ce;lambda=0;slope=0.1;m=1;"
                   "seed=7807062422205906007;scale=6;values=continuous;labels=hard"));
  ASSERT_GT(J(c), 1e-9);
  ASSERT_LT(J(c), 1e-8);
  EXPECT_TRUE(check_cost(c, 0.0, Tolerance::for_precision(Precision::float32)).passed);
  EXPECT_FALSE(check_cost(c, 0.0, Tolerance::for_precision(Precision::float64)).passed);
}

TEST(CostCheck, NotANumberNeverPasses) {
  const Case c = make_case(
      parse_recipe("v1;sizes=2,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=1;scale=1;"
                   "values=continuous;labels=hard"));
  const CostCheck check = check_cost(c, std::nan(""), Tolerance::for_precision(Precision::float32));
  EXPECT_FALSE(check.passed);
  EXPECT_TRUE(std::isnan(check.abs_error()));
}

RC_GTEST_PROP(CheckCase, ARightCostPassesAndAWrongOneIsAForwardCostFinding, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  Costed right(J);
  const CaseResult passed = check_case(c, right);
  RC_ASSERT(passed.cost.has_value());
  RC_ASSERT(passed.passed());

  const ForwardPass f = forward(c);
  RC_PRE(f.loss_sum * (1 - 1 / static_cast<double>(c.m())) > 1e-4 * f.cost);
  Costed summed([](const Case& k) { return forward(k).loss_sum + forward(k).l2; });
  const CaseResult failed = check_case(c, summed);
  RC_ASSERT(!failed.passed());
  RC_ASSERT(failed.failures().empty());  // the gradients are right
  RC_ASSERT(failed.diagnosis.has_value());
  RC_ASSERT(failed.diagnosis->id == "forward_cost");
  RC_ASSERT(failed.diagnosis->message.find("summed over the batch") != std::string::npos);
}

// A J that is the true one divided by a whole number says which: averaged over the output
// units too (a mean over every entry, as scikit-learn's squared loss is), or over m twice.
RC_GTEST_PROP(CheckCase, AJAveragedOverTheOutputUnitsOrTheBatchTwiceSaysSo, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const ForwardPass f = forward(c);
  const double m = static_cast<double>(c.m()), nL = static_cast<double>(c.spec.n(c.depth()));
  for (const auto& [k, words] : std::vector<std::pair<double, std::string>>{
           {nL, "your J is averaged over the nL = "}, {m, "it is divided by m = "}}) {
    if (k < 2 || f.loss_sum / m * (1 - 1 / k) < 1e-4 * f.cost) continue;  // no visible slip
    Costed divided([k = k](const Case& x) {
      const ForwardPass g = forward(x);
      return g.loss_sum / static_cast<double>(x.m()) / k + g.l2;
    });
    const CaseResult r = check_case(c, divided);
    RC_ASSERT(!r.passed());
    RC_ASSERT(r.diagnosis && r.diagnosis->id == "forward_cost");
    RC_ASSERT(r.diagnosis->message.find(words) != std::string::npos);
  }
}

}  // namespace
}  // namespace gradfuzz

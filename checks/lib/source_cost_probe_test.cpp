// SourceCostProbe: finite differences of a source's own cost. A source whose cost is gradfuzz's
// J gives the reference's differences; a float32 cost passes a right source with steps and
// rounding of float32; intermediates are refused.
#include "gradfuzz/source_cost_probe.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <stdexcept>

#include "case_gen.hpp"
#include "gradfuzz/check.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz {
namespace {

// The reference, answering cost() with its J computed in `precision` (float32: the case's
// numbers rounded to float, J rounded to float), and counting the cost requests.
class CostingReference final : public ReferenceBackprop {
 public:
  explicit CostingReference(Precision precision = Precision::float64, double l2_factor = 1)
      : precision_(precision), l2_factor_(l2_factor) {}
  SourceInfo info() const override {
    SourceInfo i = ReferenceBackprop::info();
    i.name = "costing_reference";
    i.cost = true;
    i.precision = precision_;
    return i;
  }
  double cost(const Case& c) override {
    ++requests;
    Case k = c;
    if (precision_ == Precision::float32)
      for (auto* list : {&k.W, &k.b})
        for (arma::mat& M : *list)
          M = arma::conv_to<arma::mat>::from(arma::conv_to<arma::fmat>::from(M));
    const ForwardPass f = forward(k);
    const double J = f.cost + (l2_factor_ - 1) * f.l2;
    return precision_ == Precision::float32 ? static_cast<double>(static_cast<float>(J)) : J;
  }
  std::size_t requests = 0;

 private:
  Precision precision_;
  double l2_factor_;
};

RC_GTEST_PROP(SourceCostProbe, TheReferencesOwnCostGivesTheReferencesDifferences, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  CostingReference source;
  const auto scheme = make_scheme(Scheme::central);
  const std::vector<Quantity> which = parameter_quantities(c);
  const NumericGradients reference = numeric_gradients(c, *scheme, which);
  const ForwardPass base = forward(c);
  SourceCostProbe probe(c, base, source);
  const NumericGradients from_source = numeric_gradients(c, *scheme, which, probe);
  for (Quantity q : which) {
    const NumericQuantity &r = reference.at(q), &s = from_source.at(q);
    // The same stencil of the same function; only the forward pass's rounding differs.
    RC_ASSERT(
        arma::approx_equal(r.value, s.value, "absdiff", 1e-6 * (1 + arma::abs(r.value).max())));
    RC_ASSERT(arma::all(arma::vectorise(r.at_kink == s.at_kink)));
  }
  // One request for the base, four per entry (central difference's stencil at h and 2h).
  RC_ASSERT(source.requests == 1 + 4 * c.parameter_count());
}

RC_GTEST_PROP(SourceCostProbe, ARightFloat32SourcePassesAgainstItsOwnCost, ()) {
  checks::RecipeLimits limits;
  limits.kinks = false;  // a float32 step crosses a kink more often; the kinks are tested above
  const Case c = make_case(*checks::arbitrary_recipe(limits));
  CostingReference source(Precision::float32);
  CheckOptions o;
  o.numeric_from = NumericFrom::source;
  const CaseResult r = check_case(c, source, o);
  RC_ASSERT(r.numeric_from == NumericFrom::source);
  RC_ASSERT(r.passed());
}

TEST(SourceCostProbe, ACostWithTwiceTheL2TermFailsTheGradientsToo) {
  const Case c = make_case(parse_recipe(
      "v1;sizes=3,4,1;act=tanh,sigmoid;loss=bce;lambda=0.5;slope=0.01;m=5;seed=3;scale=1;"
      "values=continuous;labels=hard"));
  CostingReference source(Precision::float64, 2);
  CheckOptions o;
  o.numeric_from = NumericFrom::source;
  const CaseResult r = check_case(c, source, o);
  ASSERT_TRUE(r.cost);
  EXPECT_FALSE(r.cost->passed);
  EXPECT_FALSE(r.failures().empty());  // every dW differs from the differences of this cost
  ASSERT_TRUE(r.diagnosis);
  EXPECT_EQ(r.diagnosis->id, "forward_cost");
  EXPECT_NE(r.diagnosis->message.find("L2 term is twice"), std::string::npos)
      << r.diagnosis->message;
  EXPECT_NE(r.diagnosis->message.find("--numeric-from reference"), std::string::npos)
      << r.diagnosis->message;
}

TEST(SourceCostProbe, IntermediatesAndTheComplexStepAreRefused) {
  const Case c = make_case(parse_recipe(
      "v1;sizes=2,2,1;act=tanh,sigmoid;loss=bce;lambda=0;slope=0.01;m=3;seed=1;scale=1;"
      "values=continuous;labels=hard"));
  CostingReference source;
  const ForwardPass base = forward(c);
  SourceCostProbe probe(c, base, source);
  EXPECT_THROW(probe.select(Quantity::dZ(1), 0, 0), std::invalid_argument);
  probe.select(Quantity::dW(2), 0, 1);
  EXPECT_EQ(probe.entry(), c.W_of(2)(0, 1));
  EXPECT_THROW(probe.cost(std::complex<double>(0, 1e-20)), std::logic_error);
  CheckOptions o;
  o.numeric_from = NumericFrom::source;
  o.scheme = Scheme::complex_step;
  EXPECT_THROW(check_case(c, source, o), std::invalid_argument);
  // A source without a cost of its own cannot be differentiated.
  ReferenceBackprop plain;
  o.scheme = Scheme::central;
  EXPECT_THROW(check_case(c, plain, o), std::invalid_argument);
}

TEST(SourceCostProbe, IntermediatesStayCheckedAgainstTheReference) {
  const Case c = make_case(parse_recipe(
      "v1;sizes=3,4,1;act=tanh,sigmoid;loss=bce;lambda=0;slope=0.01;m=4;seed=2;scale=1;"
      "values=continuous;labels=hard"));
  CostingReference source;  // claims every dZ, dA too
  CheckOptions o;
  o.numeric_from = NumericFrom::source;
  const CaseResult r = check_case(c, source, o);
  EXPECT_TRUE(r.passed());
  bool intermediates = false;
  for (const auto& q : r.checks) intermediates |= !q.quantity.is_parameter();
  EXPECT_TRUE(intermediates);
}

}  // namespace
}  // namespace gradfuzz

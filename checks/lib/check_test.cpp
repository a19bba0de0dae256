#include "gradfuzz/check.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "case_gen.hpp"
#include "gradfuzz/compare.hpp"
#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"
#include "test_support.hpp"

namespace gradfuzz {
namespace {

using A = Activation;
using checks::message_of;

CaseRecipe course_recipe() {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = {A::tanh, A::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = 5;
  r.seed = 1;
  return r;
}

// A relu network on the value grid whose hidden pre-activations hit 0 exactly.
CaseRecipe relu_grid_recipe() {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 1};
  r.spec.activations = {A::relu, A::sigmoid};
  r.spec.loss = Loss::bce;
  r.batch = 5;
  r.seed = 3;
  r.values = ValueGrid::grid;
  return r;
}

/// A source that hands back whatever a function makes of the reference's gradients.
class EditedReference : public GradientSource {
 public:
  using Edit = std::function<void(Gradients&)>;
  EditedReference(std::string name, Edit edit, SourceInfo info = ReferenceBackprop().info())
      : edit_(std::move(edit)), info_(std::move(info)) {
    info_.name = std::move(name);
  }
  SourceInfo info() const override { return info_; }
  Gradients gradients(const Case& c) override {
    ReferenceBackprop reference(info_.convention);
    Gradients g = reference.gradients(c);
    edit_(g);
    return g;
  }

 private:
  Edit edit_;
  SourceInfo info_;
};

class Throwing : public GradientSource {
 public:
  SourceInfo info() const override { return {}; }
  Gradients gradients(const Case&) override {
    throw SourceError("ValueError: shapes (4,3) and (4,5) not aligned");
  }
};

/// The reference with relu'(Z) = 1 everywhere: a real bug (the relu treated as linear).
class ReluDerivativeAlwaysOne : public ReferenceBackprop {
 protected:
  std::string name() const override { return "relu_derivative_one"; }
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (p.c.spec.g(l) == Activation::relu) return dA;
    return ReferenceBackprop::activation_backward(p, l, dA);
  }
};

/// The reference without the 1/m in dW (db keeps it): a mixed-convention bug.
class WeightsWithoutInvM : public ReferenceBackprop {
 protected:
  std::string name() const override { return "no_inv_m_in_dW"; }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return static_cast<double>(p.c.m()) * ReferenceBackprop::weight_gradient(p, l, dZ);
  }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return static_cast<double>(p.c.m()) * ReferenceBackprop::regularization_gradient(p, l);
  }
};

const QuantityCheck& check_of(const CaseResult& r, Quantity q) {
  for (const QuantityCheck& c : r.checks)
    if (c.quantity == q) return c;
  throw std::out_of_range("no check of " + q.name());
}

TEST(CheckCase, ReferencePassesEveryQuantityInReportOrder) {
  const Case c = make_case(course_recipe());
  ReferenceBackprop reference;
  CheckOptions options;
  options.scheme = Scheme::five_point;
  const CaseResult r = check_case(c, reference, options);
  EXPECT_TRUE(r.passed());
  EXPECT_TRUE(r.failures().empty());
  EXPECT_FALSE(r.source_error.has_value());
  EXPECT_EQ(r.source, "reference");
  EXPECT_EQ(r.scheme, Scheme::five_point);
  EXPECT_EQ(r.c.replay, c.replay);
  std::vector<std::string> names;
  for (const QuantityCheck& q : r.checks) names.push_back(q.quantity.name());
  EXPECT_EQ(names,
            (std::vector<std::string>{"dW1", "db1", "dW2", "db2", "dZ2", "dA1", "dZ1", "dA0"}));
  for (const QuantityCheck& q : r.checks)
    EXPECT_EQ(q.expected, q.quantity.is_parameter() ? Convention::mean : Convention::sum)
        << q.quantity.name();
}

TEST(CheckCase, AClaimOutsideTheScreenIsJudgedOnTheFullEstimate) {
  // A large step makes the central difference's truncation (h^2 J'''/6) far larger than the
  // tolerance: the screen, whose bound is rounding only, rejects the reference's right
  // gradients, and the full estimate, which measures its truncation, must accept them.
  const Case c = make_case(course_recipe());
  CheckOptions options;
  options.relative_step = 0.05;
  const auto scheme = make_scheme(Scheme::central, options.relative_step);
  const NumericQuantity screened =
      numeric_gradients(c, *scheme, {Quantity::dW(1)}, Thoroughness::screening).at(Quantity::dW(1));
  ReferenceBackprop reference;
  const arma::mat claimed = reference.claim(c).gradients.at(Quantity::dW(1));
  const Tolerance tolerance = Tolerance::for_precision(Precision::float64);
  ASSERT_FALSE(
      compare(Quantity::dW(1), claimed, screened, {}, c.m(), Convention::mean, tolerance).passed)
      << "the step no longer puts the truncation outside the screen";
  const CaseResult r = check_case(c, reference, options);
  EXPECT_TRUE(r.passed()) << r.failures().size() << " quantities failed";
}

TEST(CheckCase, ASourceWithoutIntermediatesIsCheckedOnParametersOnly) {
  const Case c = make_case(course_recipe());
  EditedReference parameters_only("parameters_only", [](Gradients& g) {
    std::erase_if(g, [](const auto& entry) { return !entry.first.is_parameter(); });
  });
  const CaseResult r = check_case(c, parameters_only);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.checks.size(), 4u);
  EXPECT_EQ(r.source, "parameters_only");
}

TEST(CheckCase, SourceErrorFailsTheCaseWithItsMessage) {
  const Case c = make_case(course_recipe());
  Throwing source;
  const CaseResult r = check_case(c, source);
  EXPECT_FALSE(r.passed());
  ASSERT_TRUE(r.source_error.has_value());
  EXPECT_EQ(*r.source_error, "ValueError: shapes (4,3) and (4,5) not aligned");
  EXPECT_TRUE(r.checks.empty());
}

TEST(CheckCase, AMissingParameterGradientIsAProtocolError) {
  const Case c = make_case(course_recipe());
  EditedReference source("forgetful", [](Gradients& g) { g.erase(Quantity::dW(1)); });
  const std::string what = message_of<ProtocolError>([&] { check_case(c, source); });
  EXPECT_MENTIONS(what, "forgetful");
  EXPECT_MENTIONS(what, "dW1");
  EditedReference no_bias("no_bias", [](Gradients& g) { g.erase(Quantity::db(2)); });
  EXPECT_MENTIONS(message_of<ProtocolError>([&] { check_case(c, no_bias); }), "db2");
}

TEST(CheckCase, AQuantityTheNetworkLacksIsAProtocolError) {
  const Case c = make_case(course_recipe());
  EditedReference dW9("dW9", [](Gradients& g) { g[Quantity::dW(9)] = arma::mat(1, 1); });
  EXPECT_MENTIONS(message_of<ProtocolError>([&] { check_case(c, dW9); }), "dW9");
  EditedReference dAL("dA2", [](Gradients& g) { g[Quantity::dA(2)] = arma::mat(1, 5); });
  EXPECT_MENTIONS(message_of<ProtocolError>([&] { check_case(c, dAL); }), "dA2");
}

TEST(CheckCase, SumGradientsFromAMeanSourceFailAsTheSumConvention) {
  const Case c = make_case(course_recipe());
  EditedReference summed("summed", [](Gradients& g) {
    for (auto& [q, value] : g)
      if (q.is_parameter()) value *= 5.0;
  });
  const CaseResult r = check_case(c, summed);
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.failures().size(), 4u);
  for (const QuantityCheck* q : r.failures()) {
    EXPECT_TRUE(q->quantity.is_parameter());
    EXPECT_EQ(q->expected, Convention::mean);
    EXPECT_EQ(q->matched, std::optional<Convention>(Convention::sum)) << q->quantity.name();
  }
}

TEST(CheckCase, MixedConventionsAreFoundPerQuantity) {
  CaseRecipe recipe = course_recipe();
  recipe.spec.lambda = 0.4;
  const Case c = make_case(recipe);
  WeightsWithoutInvM source;
  const CaseResult r = check_case(c, source);
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.source, "no_inv_m_in_dW");
  for (int l = 1; l <= 2; ++l) {
    EXPECT_FALSE(check_of(r, Quantity::dW(l)).passed);
    EXPECT_EQ(check_of(r, Quantity::dW(l)).matched, std::optional<Convention>(Convention::sum));
    EXPECT_TRUE(check_of(r, Quantity::db(l)).passed);
  }
}

TEST(CheckCase, IntermediatesArePerExample) {
  // A dZ2 divided by m, as if it were a mean-convention quantity, is wrong in the course.
  const Case c = make_case(course_recipe());
  EditedReference averaged("averaged", [](Gradients& g) { g.at(Quantity::dZ(2)) /= 5.0; });
  const CaseResult r = check_case(c, averaged);
  EXPECT_FALSE(r.passed());
  ASSERT_EQ(r.failures().size(), 1u);
  EXPECT_EQ(r.failures()[0]->quantity, Quantity::dZ(2));
  EXPECT_EQ(r.failures()[0]->matched, std::optional<Convention>(Convention::mean));
}

RC_GTEST_PROP(CheckCase, ASingleWrongEntryIsFoundWhereverItIs, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const std::vector<Quantity> params = parameter_quantities(c);
  const Quantity q = *rc::gen::elementOf(params);
  const Shape shape = expected_shape(c, q);
  const auto i = *rc::gen::inRange<arma::uword>(0, shape.rows);
  const auto j = *rc::gen::inRange<arma::uword>(0, shape.cols);
  EditedReference source("one_wrong_entry", [&](Gradients& g) { g.at(q)(i, j) += 1e-3; });
  const CaseResult r = check_case(c, source);
  RC_ASSERT(!r.passed());
  const QuantityCheck& bad = check_of(r, q);
  RC_ASSERT(!bad.passed);
  RC_ASSERT(bad.failing_entries == 1u);
  RC_ASSERT(bad.worst.row == i);
  RC_ASSERT(bad.worst.col == j);
  for (const QuantityCheck& other : r.checks) RC_ASSERT(other.quantity == q || other.passed);
}

TEST(CheckCase, ToleranceFollowsTheSourcesPrecision) {
  // Errors of 1e-5 relative: accumulated float32 rounding is fine for float32 code, far off
  // for float64 code.
  const Case c = make_case(course_recipe());
  auto to_float = [](Gradients& g) {
    for (auto& [q, value] : g) value *= 1 + 1e-5;
  };
  SourceInfo f32 = ReferenceBackprop().info();
  f32.precision = Precision::float32;
  EditedReference single("float32", to_float, f32);
  EXPECT_TRUE(check_case(c, single).passed());
  EditedReference claims_double("claims_float64", to_float);
  EXPECT_FALSE(check_case(c, claims_double).passed());
  CheckOptions loose;
  loose.tolerance = Tolerance::for_precision(Precision::float32);
  EXPECT_TRUE(check_case(c, claims_double, loose).passed());
}

TEST(CheckCase, ReluGridCasePassesWithKinksSetApart) {
  const Case c = make_case(relu_grid_recipe());
  ReferenceBackprop reference;
  for (Scheme s : {Scheme::central, Scheme::complex_step}) {
    CheckOptions options;
    options.scheme = s;
    const CaseResult r = check_case(c, reference, options);
    EXPECT_TRUE(r.passed()) << to_string(s);
    EXPECT_GT(r.kink_entries(), 0u) << to_string(s);
    arma::uword total = 0;
    for (const QuantityCheck& q : r.checks) total += q.kink_entries;
    EXPECT_EQ(r.kink_entries(), total);
  }
}

TEST(CheckCase, AWrongReluDerivativeIsCaughtEvenOnTheGrid) {
  const Case c = make_case(relu_grid_recipe());
  ReluDerivativeAlwaysOne wrong;
  const CaseResult r = check_case(c, wrong);
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.source, "relu_derivative_one");
  EXPECT_FALSE(check_of(r, Quantity::dW(1)).passed);
  EXPECT_TRUE(check_of(r, Quantity::dW(2)).passed);  // before the relu layer in backprop order
}

RC_GTEST_PROP(CheckCase, AWrongReluDerivativeIsCaughtOnContinuousCases, ()) {
  CaseRecipe r = *checks::arbitrary_recipe({.min_depth = 2});
  r.spec.activations[0] = Activation::relu;
  r.batch = *rc::gen::inRange<arma::uword>(4, 7);
  r.spec.sizes[1] = *rc::gen::inRange<arma::uword>(3, 6);
  const Case c = make_case(r);
  // Only visible when some unit of layer 1 is off and its input matters.
  RC_PRE(arma::any(arma::vectorise(forward(c).Z[1]) < 0.0));
  ReluDerivativeAlwaysOne wrong;
  ReferenceBackprop reference;
  const Gradients good = reference.gradients(c), bad = wrong.gradients(c);
  RC_PRE(arma::norm(good.at(Quantity::dW(1)) - bad.at(Quantity::dW(1)), "fro") >
         1e-6 * arma::norm(good.at(Quantity::dW(1)), "fro"));
  RC_ASSERT(!check_case(c, wrong).passed());
}

// --- The reference must never fail where no backprop can do better (DESIGN.md: entries near a
// ReLU kink are set apart, never failed). The three cases below are bugs in lib/.

TEST(CheckCase, ReferencePassesWhereAWeightMovesTwoKinksInOppositeDirections) {
  // Zero-initialised hidden weights put every relu input exactly on its kink: 1-1-1 relu,
  // linear, mse with W1 = 0, b1 = 0, X = [1 -1], W2 = 1, b2 = 0, Y = [-1 1]. Shifting W1 by t
  // turns example 0 on for t > 0 and example 1 on for t < 0; each contributes slope 1/2, so
  // J(t) = J(0) + t/2 + O(t^2) and both one-sided derivatives are 1/2. The course's backprop
  // (relu'(0) = 0) gives dW1 = 0, as every correct implementation of it does.
  Case c;
  c.spec.sizes = {1, 1, 1};
  c.spec.activations = {A::relu, A::linear};
  c.spec.loss = Loss::mse;
  c.W = {arma::mat(1, 1, arma::fill::value(0.0)), arma::mat(1, 1, arma::fill::value(1.0))};
  c.b = {arma::mat(1, 1, arma::fill::value(0.0)), arma::mat(1, 1, arma::fill::value(0.0))};
  c.X = arma::mat{{1.0, -1.0}};
  c.Y = arma::mat{{-1.0, 1.0}};
  ReferenceBackprop reference;
  ASSERT_EQ(reference.gradients(c).at(Quantity::dW(1))(0, 0), 0.0);
  for (Scheme s : {Scheme::central, Scheme::complex_step}) {
    CheckOptions options;
    options.scheme = s;
    const CaseResult r = check_case(c, reference, options);
    EXPECT_TRUE(r.passed()) << to_string(s) << ": dW1 claimed "
                            << check_of(r, Quantity::dW(1)).worst.claimed << ", numeric "
                            << check_of(r, Quantity::dW(1)).worst.numeric;
    EXPECT_GT(check_of(r, Quantity::dW(1)).kink_entries, 0u) << to_string(s);
  }
}

TEST(CheckCase, ReferencePassesOnSymmetricWeightsWithTheComplexStep) {
  // Weights initialised to one constant (a learner's classic) make dA0 = W1^T (A - Y) vanish
  // exactly: every column of A - Y sums to 0 under softmax. Both sides then hold rounding noise
  // (~1e-17) that no code can avoid; the complex step must not fail it.
  Case c;
  c.spec.sizes = {1, 2};
  c.spec.activations = {A::softmax};
  c.spec.loss = Loss::ce;
  c.W = {arma::mat(arma::colvec{-1.0, -1.0})};
  c.b = {arma::mat(arma::colvec{-0.5, 1.0})};
  c.X = arma::mat(1, 1, arma::fill::value(1.0));
  c.Y = arma::mat(arma::colvec{0.3593481977, 0.6406518023});
  ReferenceBackprop reference;
  for (Scheme s : {Scheme::central, Scheme::complex_step}) {
    CheckOptions options;
    options.scheme = s;
    const CaseResult r = check_case(c, reference, options);
    const QuantityCheck& dA0 = check_of(r, Quantity::dA(0));
    EXPECT_TRUE(r.passed()) << to_string(s) << ": dA0 claimed " << dA0.worst.claimed << ", numeric "
                            << dA0.worst.numeric;
  }
}

TEST(CheckCase, ReferencePassesWithFivePointNextToAKink) {
  // A relu input 0.0013 from its kink: the five-point stencil (h = 7.4e-4, out to 4h) straddles
  // it. The reference is exact there; the check must not fail it.
  const Case c = make_case(parse_recipe(
      "v1;sizes=2,1,2;act=relu,softmax;loss=ce;lambda=0.226;slope=0.2;m=3;seed=1781010960;"
      "scale=1;values=continuous;labels=soft"));
  ReferenceBackprop reference;
  CheckOptions options;
  options.scheme = Scheme::five_point;
  const CaseResult r = check_case(c, reference, options);
  for (const QuantityCheck* q : r.failures())
    ADD_FAILURE() << q->quantity.name() << " failed at (" << q->worst.row << "," << q->worst.col
                  << "): claimed " << q->worst.claimed << ", numeric " << q->worst.numeric
                  << (q->worst.at_kink ? " (at a kink)" : "");
  EXPECT_TRUE(r.passed());
  // One relu input near its kink: the one-sided derivatives bracket the exact claim.
  EXPECT_EQ(r.kink_unverified(), 0u);
}

}  // namespace
}  // namespace gradfuzz

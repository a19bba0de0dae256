// The derivation behind `explain`: the course's steps, each verified by finite differences.

#include "gradfuzz/formula/derivation.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "../test_support.hpp"
#include "gradfuzz/fuzz/generators.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz::formula {
namespace {

NetSpec course_network() {
  NetSpec spec;
  spec.sizes = {3, 4, 1};
  spec.activations = {Activation::tanh, Activation::sigmoid};
  return spec;
}

std::vector<std::string> formulas(const Derivation& d) {
  std::vector<std::string> out;
  for (const DerivationStep& s : d.steps) out.push_back(s.formula);
  if (d.result) out.push_back(d.result->formula);
  return out;
}

TEST(FormulaDerivation, Dz1IsTheSeedFormulaStepByStep) {
  const Derivation d = derive(Quantity::dZ(1), course_network(), 5);
  EXPECT_EQ(formulas(d), (std::vector<std::string>{"dZ[2] = A[2] - Y", "dA[1] = W[2]T dZ[2]",
                                                   "dZ[1] = dA[1] * g[1]'(Z[1])",
                                                   "dZ[1] = W[2]T dZ[2] * g[1]'(Z[1])"}));
  // Why the transpose, why the derivative, why no 1/m: each in words.
  EXPECT_MENTIONS(d.steps[1].why, "why the transpose");
  EXPECT_MENTIONS(d.steps[1].why, "row i of W[2]T");
  EXPECT_MENTIONS(d.steps[2].why, "1 - A[1]²");
  EXPECT_MENTIONS(d.inv_m, "J = 1/m Σ L averages");
  EXPECT_MENTIONS(d.inv_m, "no 1/m");
  EXPECT_EQ(d.steps[1].shapes.outline, "(n1 × n2)(n2 × m) → (n1 × m)");
  EXPECT_EQ(d.steps[1].shapes.outline_here, "(4 × 1)(1 × 5) → (4 × 5)");
}

TEST(FormulaDerivation, ParametersCarryTheInvM) {
  NetSpec spec = course_network();
  spec.lambda = 0.7;
  const Derivation dW = derive(Quantity::dW(1), spec, 5);
  EXPECT_EQ(dW.steps.back().formula, "dW[1] = 1/m dZ[1] X^T + lambda/m W[1]");
  EXPECT_MENTIONS(dW.steps.back().why, "hence the 1/m");
  const Derivation db = derive(Quantity::db(2), spec, 5);
  EXPECT_EQ(formulas(db),
            (std::vector<std::string>{"dZ[2] = A[2] - Y",
                                      "db[2] = 1/m np.sum(dZ[2], axis=1, keepdims=True)"}));
}

TEST(FormulaDerivation, EveryStepIsVerifiedOnTheCourseNetwork) {
  CaseRecipe r;
  r.spec = course_network();
  r.batch = 5;
  r.seed = 3;
  const Derivation d = derive(Quantity::dZ(1), r.spec, r.batch);
  const std::vector<CaseResult> checks = verify(d, make_case(r));
  ASSERT_EQ(checks.size(), 4u);
  for (const CaseResult& c : checks) EXPECT_TRUE(c.passed()) << c.source;
}

TEST(FormulaDerivation, UnknownQuantityIsRefused) {
  EXPECT_THROW(derive(Quantity::dZ(3), course_network(), 5), std::invalid_argument);
  EXPECT_THROW(derive(Quantity::dA(2), course_network(), 5), std::invalid_argument);
}

// Whatever the network and the gradient, every step of the derivation checks out: explain never
// teaches something false.
RC_GTEST_PROP(FormulaDerivation, EveryStepHoldsOnRandomNetworks, ()) {
  GeneratorOptions g;
  g.max_layers = 4;
  g.max_width = 4;
  g.max_batch = 4;
  const CaseRecipe recipe = *case_recipes(g);
  const int L = recipe.spec.depth();
  const int kind = *rc::gen::inRange(0, 4);
  const int layer = *rc::gen::inRange(kind == 3 ? 0 : 1, kind == 3 ? L : L + 1);
  const Quantity q = kind == 0   ? Quantity::dZ(layer)
                     : kind == 1 ? Quantity::dW(layer)
                     : kind == 2 ? Quantity::db(layer)
                                 : Quantity::dA(layer);
  const Derivation d = derive(q, recipe.spec, recipe.batch);
  for (const CaseResult& c : verify(d, make_case(recipe))) {
    RC_LOG() << c.source << '\n';
    RC_ASSERT(c.passed());
  }
}

}  // namespace
}  // namespace gradfuzz::formula

// A set of formulas as a gradient source, checked on the shared path (check_case).

#include "gradfuzz/formula/formula_source.hpp"

#include <gtest/gtest.h>

#include "../test_support.hpp"
#include "gradfuzz/check.hpp"
#include "gradfuzz/formula/parser.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz::formula {
namespace {

Case network(std::vector<arma::uword> sizes, std::vector<Activation> g, arma::uword m = 4,
             double lambda = 0) {
  CaseRecipe r;
  r.spec.sizes = std::move(sizes);
  r.spec.activations = std::move(g);
  r.spec.lambda = lambda;
  r.batch = m;
  r.seed = 5;
  return make_case(r);
}

const Case kTwoLayers = network({3, 4, 1}, {Activation::tanh, Activation::sigmoid});

TEST(FormulaSource, ClaimsOnlyItsLeftSidesAndIsPartial) {
  FormulaSource source({parse("dz[1] = W[2]T dz[2] * g[1]'(z[1])")});
  const SourceInfo info = source.info();
  EXPECT_TRUE(info.partial);
  EXPECT_TRUE(info.intermediates);
  EXPECT_TRUE(info.intermediates_either_convention);
  EXPECT_EQ(info.name, "dz[1] = W[2]T dz[2] * g[1]'(z[1])");
  const Gradients g = source.gradients(kTwoLayers);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(g.contains(Quantity::dZ(1)));
  // check_case does not ask a partial source for every dW and db.
  const CaseResult r = check_case(kTwoLayers, source);
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.checks[0].matched, Convention::sum);  // per example, the course's dz
}

TEST(FormulaSource, LayerSymbolClaimsEveryLayerWhereItApplies) {
  const Case deep = network({2, 3, 4, 3, 1}, {Activation::tanh, Activation::relu,
                                              Activation::sigmoid, Activation::sigmoid});
  FormulaSource source(
      {parse("dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])"), parse("dW[l] = 1/m dZ[l] A[l-1]T")});
  const Gradients g = source.gradients(deep);
  EXPECT_EQ(g.size(), 3u + 4u);  // dZ1..dZ3 and dW1..dW4
  EXPECT_TRUE(check_case(deep, source).passed());
}

TEST(FormulaSource, IntermediatesPassPerExampleOrAsDJdZAndSaySo) {
  FormulaSource mean({parse("dz[1] = 1/m W[2]T dz[2] * g[1]'(z[1])")});
  const CaseResult r = check_case(kTwoLayers, mean);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.checks.at(0).matched, Convention::mean);
  EXPECT_EQ(r.checks.at(0).expected, Convention::mean);
}

TEST(FormulaSource, ParametersFollowTheConvention) {
  const Formula summed = parse("dW[1] = dz[1] X^T");
  FormulaSource as_mean({summed});
  const CaseResult wrong = check_case(kTwoLayers, as_mean);
  EXPECT_FALSE(wrong.passed());
  ASSERT_TRUE(wrong.diagnosis);
  EXPECT_EQ(wrong.diagnosis->id, "missing_inv_m");
  FormulaSource as_sum({summed}, Convention::sum);
  EXPECT_TRUE(check_case(kTwoLayers, as_sum).passed());
}

TEST(FormulaSource, ShapesThatDoNotFitThisNetworkAreASourceError) {
  // dz[2] = A[2] - Y is the output delta only when layer 2 is the last.
  const Case deeper =
      network({3, 4, 4, 1}, {Activation::tanh, Activation::tanh, Activation::sigmoid});
  FormulaSource source({parse("dz[2] = A[2] - Y")});
  EXPECT_MENTIONS(checks::message_of<SourceError>([&] { source.gradients(deeper); }),
                  "n2 and n3 differ");
  // A formula naming layers this network lacks claims nothing here.
  FormulaSource too_deep({parse("dz[3] = W[4]T dz[4] * g[3]'(z[3])")});
  EXPECT_TRUE(too_deep.gradients(kTwoLayers).empty());
}

}  // namespace
}  // namespace gradfuzz::formula

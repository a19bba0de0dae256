// Where a formula applies: the layers l and the depth a network needs.

#include "gradfuzz/formula/layers.hpp"

#include <gtest/gtest.h>

#include "../test_support.hpp"
#include "gradfuzz/formula/parser.hpp"

namespace gradfuzz::formula {
namespace {

TEST(FormulaLayers, LiteralLayersNeedTheHighestOne) {
  EXPECT_EQ(minimum_depth(parse("dz[1] = W[2]T dz[2] * g[1]'(z[1])")), 2);
  EXPECT_EQ(minimum_depth(parse("dW[1] = 1/m dz[1] X^T")), 1);
  EXPECT_EQ(minimum_depth(parse("dA[1] = W[2]T dZ[2]")), 2);
  EXPECT_EQ(minimum_depth(parse("dA[2] = 0")), 3);  // dA[L] is not checked: dA[2] needs L = 3
  EXPECT_FALSE(has_symbolic_layers(parse("dz[2] = A[2] - Y")));
}

TEST(FormulaLayers, SymbolicLayersApplyWhereEveryQuantityExists) {
  const Formula dz = parse("dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])");
  EXPECT_EQ(minimum_depth(dz), 2);
  EXPECT_EQ(applicable_layers(dz, 4), (std::vector<int>{1, 2, 3}));
  EXPECT_TRUE(applicable_layers(dz, 1).empty());
  const Formula dW = parse("dW[l] = 1/m dZ[l] A[l-1]T");
  EXPECT_EQ(applicable_layers(dW, 3), (std::vector<int>{1, 2, 3}));
  const Formula dA = parse("dA[l-1] = W[l]T dZ[l]");
  EXPECT_EQ(applicable_layers(dA, 2), (std::vector<int>{1, 2}));  // dA0 and dA1
  const Formula out = parse("dZ[L] = A[L] - Y");
  EXPECT_TRUE(has_symbolic_layers(out));
  EXPECT_EQ(applicable_layers(out, 3), (std::vector<int>{0}));
  EXPECT_EQ(minimum_depth(parse("dW[L-1] = 1/m dZ[L-1] A[L-2]T")), 2);
}

TEST(FormulaLayers, PinnedDepthTooShallowPointsAtTheQuantity) {
  const Formula f = parse("dz[1] = W[2]T dz[2] * g[1]'(z[1])");
  EXPECT_NO_THROW(require_depth(f, 3));
  try {
    require_depth(f, 1);
    FAIL() << "no error";
  } catch (const FormulaError& e) {
    EXPECT_EQ(e.where().offset, f.text.find("W[2]"));
    EXPECT_MENTIONS(e.reason(), "does not exist in a 1-layer network");
    EXPECT_MENTIONS(e.reason(), "needs networks of at least 2 layers");
  }
}

}  // namespace
}  // namespace gradfuzz::formula

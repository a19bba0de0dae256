// Symbolic shapes: checked before any number, explained as a person would, with the fix.

#include "gradfuzz/formula/shapes.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../test_support.hpp"
#include "gradfuzz/formula/layers.hpp"
#include "gradfuzz/formula/parser.hpp"

namespace gradfuzz::formula {
namespace {

// The course's network: n0 = 3, n1 = 4, n2 = 1 and m = 5, or deeper.
ShapeReport shapes(std::string_view text, std::vector<arma::uword> sizes = {3, 4, 1}) {
  const Formula f = parse(text);
  const int L = static_cast<int>(sizes.size()) - 1;
  const std::vector<int> layers = applicable_layers(f, L);
  return check_shapes(f, {sizes, 5, layers.empty() ? 1 : layers.front()});
}

TEST(FormulaShapes, SeedFormulaWorksStepByStep) {
  const ShapeReport r = shapes("dz[1] = W[2]T dz[2] * g[1]'(z[1])");
  EXPECT_FALSE(r.finding);
  EXPECT_EQ(r.target.text(), "(n1 × m)");
  EXPECT_EQ(r.result.text(), "(n1 × m)");
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].text, "W[2]T dz[2]");
  EXPECT_EQ(r.steps[0].shapes, "(n1 × n2)(n2 × m) → (n1 × m)");
  EXPECT_EQ(r.steps[0].here, "(4 × 1)(1 × 5) → (4 × 5)");
  EXPECT_EQ(r.steps[1].shapes, "(n1 × m) * (n1 × m) → (n1 × m)");
  EXPECT_EQ(r.bindings, "n0=3, n1=4, n2=1, m=5");
}

TEST(FormulaShapes, MissingTransposeIsExplainedWithTheFix) {
  const ShapeReport r = shapes("dz[1] = W[2] dz[2] * g[1]'(z[1])");
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->id, "transposed");
  EXPECT_MENTIONS(r.finding->message,
                  "(n2 × n1)(n2 × m), here (1 × 4)(1 × 5): inner sizes n1 and n2 differ — did "
                  "you mean W[2]T dz[2]?");
  EXPECT_EQ(r.finding->where.offset, 8u);
  EXPECT_EQ(r.finding->where.length, std::string("W[2] dz[2]").size());
  EXPECT_EQ(r.finding->suggestion, "W[2]T dz[2]");
  // NumPy's spelling gets NumPy's fix.
  const ShapeReport np = shapes("dZ1 = np.dot(W2, dZ2) * (1 - np.power(A1, 2))");
  ASSERT_TRUE(np.finding);
  EXPECT_EQ(np.finding->suggestion, "np.dot(W2.T, dZ2)");
}

TEST(FormulaShapes, AHugeFormulaGetsItsMismatchWithoutTheSearchForAnEdit) {
  // Each candidate edit is tried on a copy of the whole formula; past 256 operations the search
  // is skipped (a 4 KB formula from the fuzzer took seconds), the mismatch is still explained.
  std::string long_sum = "dz[1]";
  for (int k = 0; k < 300; ++k) long_sum += " + dz[1]";
  const ShapeReport huge = shapes("dz[1] = W[2] dz[2] * (" + long_sum + ")");
  ASSERT_TRUE(huge.finding);
  EXPECT_EQ(huge.finding->id, "shape_mismatch");
  EXPECT_MENTIONS(huge.finding->message, "inner sizes n1 and n2 differ");
  EXPECT_FALSE(huge.finding->suggestion);
  // The same slip in a formula of ordinary length gets its fix.
  const ShapeReport short_one = shapes("dz[1] = W[2] dz[2] * (dz[1] + dz[1])");
  ASSERT_TRUE(short_one.finding);
  EXPECT_EQ(short_one.finding->id, "transposed");
  EXPECT_EQ(short_one.finding->suggestion, "W[2]T dz[2]");
}

TEST(FormulaShapes, SumOverTheWrongAxis) {
  const ShapeReport r = shapes("db[1] = 1/m np.sum(dz[1], axis=0, keepdims=True)");
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->id, "bias_sum_axis");
  EXPECT_MENTIONS(r.finding->message, "(1 × m), expected (n1 × 1)");
  EXPECT_MENTIONS(r.finding->message, "sum over the examples is axis=1");
  EXPECT_EQ(r.finding->suggestion, "db[1] = 1/m np.sum(dz[1], axis=1, keepdims=True)");
  // Without keepdims the axis is dropped: a 1-D array, not a column.
  const ShapeReport flat = shapes("db1 = 1/m * np.sum(dZ1, axis=1)");
  ASSERT_TRUE(flat.finding);
  EXPECT_EQ(flat.finding->id, "shape_mismatch");
  EXPECT_MENTIONS(flat.finding->message, "(n1,), expected (n1 × 1)");
  EXPECT_MENTIONS(flat.finding->message, "keepdims=True");
  const ShapeReport all = shapes("db1 = np.sum(dZ1) / m");
  ASSERT_TRUE(all.finding);
  EXPECT_EQ(all.finding->id, "bias_sum_axis");
  EXPECT_MENTIONS(all.finding->message, "a number, expected (n1 × 1)");
}

TEST(FormulaShapes, WrongLayerIndexFoundByTryingNeighbours) {
  const ShapeReport a = shapes("dW[1] = 1/m dz[1] A[1]T");
  ASSERT_TRUE(a.finding);
  EXPECT_EQ(a.finding->id, "wrong_layer_index");
  EXPECT_EQ(a.finding->suggestion, "dW[1] = 1/m dz[1] A[0]T");
  const ShapeReport b = shapes("dz[1] = W[2]T dz[2] * g[1]'(z[2])");
  ASSERT_TRUE(b.finding);
  EXPECT_EQ(b.finding->id, "wrong_layer_index");
  EXPECT_MENTIONS(b.finding->message, "rows n1 and n2 differ");
  EXPECT_MENTIONS(b.finding->message, "happen to broadcast");  // n2 = 1 here
  const ShapeReport c = shapes("dA[1] = W[1]T dZ[1]");
  ASSERT_TRUE(c.finding);
  EXPECT_EQ(c.finding->suggestion, "dA[1] = W[2]T dZ[2]");  // every layer moved at once
  const ShapeReport np = shapes("dW2 = 1/m * np.dot(dZ2, A2.T)");
  ASSERT_TRUE(np.finding);
  EXPECT_EQ(np.finding->suggestion, "dW2 = 1/m * np.dot(dZ2, A1.T)");
}

TEST(FormulaShapes, SquareNetworksDoNotHideAMissingTranspose) {
  // With n1 = n2 = 4 the product computes, but n1 and n2 are different symbols.
  const ShapeReport r = shapes("dA[1] = W[2] dZ[2]", {3, 4, 4});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->id, "transposed");
}

TEST(FormulaShapes, TransposedResult) {
  const ShapeReport r = shapes("dW[1] = 1/m X dz[1]T");
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->id, "transposed");
  EXPECT_MENTIONS(r.finding->message, "(n0 × n1), expected (n1 × n0)");
  EXPECT_MENTIONS(r.finding->message, "dW[l] = 1/m dZ[l] A[l-1]T");
}

TEST(FormulaShapes, MissingElementwiseProduct) {
  const ShapeReport r = shapes("dz[1] = W[2]T dz[2] g[1]'(z[1])");
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->id, "shape_mismatch");
  EXPECT_EQ(r.finding->suggestion, "W[2]T dz[2] * g[1]'(z[1])");
}

TEST(FormulaShapes, GeneralLayerFormulasInSymbols) {
  for (const char* text :
       {"dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])", "dW[l] = 1/m dZ[l] A[l-1]T",
        "db[l] = 1/m np.sum(dZ[l], axis=1, keepdims=True)", "dA[l-1] = W[l]T dZ[l]",
        "dZ[L] = A[L] - Y", "dW[L] = 1/m dZ[L] A[L-1]T + lambda/m W[L]"}) {
    const ShapeReport r = shapes(text, {3, 4, 5, 2});
    EXPECT_FALSE(r.finding) << text << ": " << r.finding->message;
  }
  // n[l] and n[L] are different sizes: dZ[l] = A[l] - Y holds only at the last layer.
  const ShapeReport r = shapes("dZ[l] = A[l] - Y", {3, 4, 5, 2});
  ASSERT_TRUE(r.finding);
  EXPECT_MENTIONS(r.finding->message, "n[l] and n[L] differ");
}

TEST(FormulaShapes, NumpyBroadcastingRules) {
  EXPECT_FALSE(shapes("dz[1] = dA[1] + b[1]").finding);                   // (n1 × m) + (n1 × 1)
  EXPECT_FALSE(shapes("dz[1] = dA[1] * np.sum(dA[1], axis=0)").finding);  // (n1 × m) * (m,)
  EXPECT_TRUE(shapes("dz[1] = dA[1] * np.sum(dA[1], axis=1)").finding);   // (n1 × m) * (n1,)
  EXPECT_TRUE(shapes("dz[1] = dA[1] @ 2").finding);                       // @ does not scale
  EXPECT_FALSE(shapes("dz[1] = np.dot(2, dA[1])").finding);
}

}  // namespace
}  // namespace gradfuzz::formula

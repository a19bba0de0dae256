// Evaluation on a Case, with NumPy's semantics.

#include "gradfuzz/formula/evaluate.hpp"

#include <gtest/gtest.h>

#include "gradfuzz/formula/parser.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz::formula {
namespace {

class FormulaEvaluate : public ::testing::Test {
 protected:
  // A 3-4-2 network with tanh and sigmoid layers, five examples.
  Case c = [] {
    CaseRecipe r;
    r.spec.sizes = {3, 4, 2};
    r.spec.activations = {Activation::tanh, Activation::sigmoid};
    r.batch = 5;
    r.seed = 11;
    return make_case(r);
  }();
  ForwardPass pass = forward(c);
  Gradients reference = ReferenceBackprop().gradients(c);

  arma::mat eval(std::string_view text, int l = 0) {
    return evaluate(parse(text), {c, pass, reference, l});
  }
};

TEST_F(FormulaEvaluate, SeedFormulaGivesTheReferenceDz1) {
  const arma::mat dz1 = eval("dz[1] = W[2]T dz[2] * g[1]'(z[1])");
  EXPECT_TRUE(arma::approx_equal(dz1, reference.at(Quantity::dZ(1)), "absdiff", 1e-15));
  EXPECT_TRUE(arma::approx_equal(eval("dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))"), dz1,
                                 "absdiff", 1e-15));
}

TEST_F(FormulaEvaluate, LayerSymbolTakesTheGivenLayer) {
  const arma::mat dW2 = eval("dW[l] = 1/m dZ[l] A[l-1]T", 2);
  EXPECT_TRUE(arma::approx_equal(dW2, reference.at(Quantity::dW(2)), "absdiff", 1e-15));
  const arma::mat dz2 = eval("dZ[L] = A[L] - Y");
  EXPECT_TRUE(arma::approx_equal(dz2, pass.A[2] - c.Y, "absdiff", 0));
}

TEST_F(FormulaEvaluate, NumpySemantics) {
  // np.int64 truncates toward zero; comparisons are 0/1; a 1-D sum broadcasts as a row.
  const arma::mat truncated = eval("dZ1 = np.int64(0 * Z1 - 2.7) + np.int64(0 * Z1 + 2.7)");
  EXPECT_TRUE(arma::all(arma::vectorise(truncated) == 0));
  const arma::mat indicator = eval("dZ1 = (Z1 > 0) * 1.0");
  EXPECT_TRUE(
      arma::approx_equal(indicator, arma::conv_to<arma::mat>::from(pass.Z[1] > 0), "absdiff", 0));
  const arma::mat rows = eval("dZ1 = 0 * Z1 + np.sum(A1, axis=0)");
  for (arma::uword r = 0; r < rows.n_rows; ++r)
    EXPECT_TRUE(arma::approx_equal(rows.row(r), arma::sum(pass.A[1], 0), "absdiff", 1e-15));
  const arma::mat picked = eval("dZ1 = np.where(Z1 > 0, dA1, 0)");
  EXPECT_TRUE(arma::approx_equal(
      picked, reference.at(Quantity::dA(1)) % arma::conv_to<arma::mat>::from(pass.Z[1] > 0),
      "absdiff", 0));
  const arma::mat most = eval("dZ1 = np.maximum(Z1, 0)");
  EXPECT_TRUE(arma::approx_equal(most, arma::clamp(pass.Z[1], 0, arma::datum::inf), "absdiff", 0));
  const arma::mat db = eval("db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)");
  EXPECT_TRUE(arma::approx_equal(db, reference.at(Quantity::db(1)), "absdiff", 1e-15));
}

TEST_F(FormulaEvaluate, NonFiniteValuesComeBackAsTheyAre) {
  const arma::mat logged = eval("dZ1 = np.log(0 * Z1 - 1)");
  EXPECT_TRUE(logged.has_nan());
  const arma::mat divided = eval("dZ1 = Z1 / 0");
  EXPECT_TRUE(divided.has_inf());
}

TEST_F(FormulaEvaluate, SoftmaxDerivativeHasNoElementwiseValue) {
  CaseRecipe r;
  r.spec.sizes = {2, 3};
  r.spec.activations = {Activation::softmax};
  r.spec.loss = Loss::ce;
  r.batch = 2;
  const Case ce = make_case(r);
  const ForwardPass f = forward(ce);
  const Gradients g = ReferenceBackprop().gradients(ce);
  EXPECT_THROW(evaluate(parse("dZ1 = (A1 - Y) * g[1]'(Z1)"), {ce, f, g, 0}), EvaluationError);
}

}  // namespace
}  // namespace gradfuzz::formula

// The formulas a learner writes, checked end to end (shapes, then campaigns per hidden
// activation): the course's formulas and their NumPy forms hold, and each wrong variant fails
// with the diagnosis that names its bug.

#include <gtest/gtest.h>

#include "../test_support.hpp"
#include "gradfuzz/formula/formula_source.hpp"
#include "gradfuzz/formula/parser.hpp"
#include "gradfuzz/fuzz/formula_campaign.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz {
namespace {

using A = Activation;

struct Setting {
  std::vector<Activation> hidden{A::linear, A::sigmoid, A::tanh, A::relu, A::leaky_relu};
  std::optional<double> lambda;
  std::vector<Loss> losses{Loss::bce};
  std::vector<Activation> output{A::sigmoid};
  Convention convention = Convention::mean;
};

FormulaOutcome check(const std::string& text, const Setting& s = {}) {
  FormulaCheckOptions o;
  o.campaign.cases = 40;
  o.campaign.seed = 2024;
  o.campaign.generate.hidden = s.hidden;
  o.campaign.generate.lambda = s.lambda;
  o.campaign.generate.losses = s.losses;
  o.campaign.generate.output = s.output;
  o.convention = s.convention;
  return check_formula(formula::parse(text), o);
}

std::string describe(const FormulaOutcome& o) {
  std::string out = o.verdict();
  if (o.shapes.finding) out += ": [" + o.shapes.finding->id + "] " + o.shapes.finding->message;
  for (const HiddenResult& r : o.results)
    if (const Diagnosis* d = r.diagnosis()) out += "\n  [" + d->id + "] " + d->message;
  return out;
}

// ---- formulas that hold -------------------------------------------------------------------

struct Right {
  const char* formula;
  Setting setting;
};

class FormulaRight : public ::testing::TestWithParam<Right> {};

TEST_P(FormulaRight, Holds) {
  const FormulaOutcome o = check(GetParam().formula, GetParam().setting);
  EXPECT_TRUE(o.passed()) << GetParam().formula << "\n" << describe(o);
  EXPECT_FALSE(o.results.empty());
}

Setting hidden(std::vector<Activation> h) {
  Setting s;
  s.hidden = std::move(h);
  return s;
}
Setting with_lambda(Setting s, double lambda) {
  s.lambda = lambda;
  return s;
}
Setting with_output(Setting s, Loss loss, std::vector<Activation> output) {
  s.losses = {loss};
  s.output = std::move(output);
  return s;
}
const Setting kTanh = hidden({A::tanh});
const Setting kSigmoid = hidden({A::sigmoid});
const Setting kRelu = hidden({A::relu});

INSTANTIATE_TEST_SUITE_P(
    Course, FormulaRight,
    ::testing::Values(
        // The seed, exactly as learners type it (’ and a space before the parenthesis).
        Right{"dz[1] = W[2]T dz[2] * g[1]\xE2\x80\x99 (z[1])", {}}, Right{"dz[2] = a[2] - y", {}},
        Right{"dW[2] = 1/m dz[2] a[1]T", {}},
        Right{"db[2] = 1/m np.sum(dz[2], axis=1, keepdims=True)", {}},
        Right{"dW[1] = 1/m dz[1] X^T", {}},
        Right{"db^{[1]} = 1/m np.sum(dz^{[1]}, axis=1, keepdims=True)", {}},
        // The general-layer formulas, for layer l and for L.
        Right{"dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])", {}},
        Right{"dZ[l] = dA[l] * g[l]'(Z[l])", {}}, Right{"dA[l-1] = W[l]T dZ[l]", {}},
        Right{"dA[l] = W[l+1]T dZ[l+1]", {}}, Right{"dW[l] = 1/m dZ[l] A[l-1]T", {}},
        Right{"dW^{[l]} = 1/m dZ^{[l]} A^{[l-1]T}", {}},
        Right{"db[l] = 1/m np.sum(dZ[l], axis=1, keepdims=True)", {}},
        Right{"dZ[L] = A[L] - Y", {}}, Right{"dA[L-1] = W[L]T dZ[L]", {}},
        Right{"dW[L] = 1/m dZ[L] A[L-1]T", {}},
        Right{"db[L] = 1/m np.sum(dZ[L], axis=1, keepdims=True)", {}},
        Right{"dW[l] = 1/m dZ[l] A[l-1]T + lambda/m W[l]", with_lambda({}, 0.7)},
        Right{"dZ[L] = (A[L] - Y) * g[L]'(Z[L])",
              with_output(kTanh, Loss::mse, {A::linear, A::tanh})},
        Right{"dZ[L] = A[L] - Y", with_output(kRelu, Loss::ce, {A::softmax})}));

INSTANTIATE_TEST_SUITE_P(
    Numpy, FormulaRight,
    ::testing::Values(Right{"dZ2 = A2 - Y", {}}, Right{"dW2 = 1/m * np.dot(dZ2, A1.T)", {}},
                      Right{"db2 = 1/m * np.sum(dZ2, axis=1, keepdims=True)", {}},
                      Right{"dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))", kTanh},
                      Right{"dZ1 = W2.T @ dZ2 * (1 - A1**2)", kTanh},
                      Right{"dZ1 = dA1 * (1 - np.tanh(Z1)**2)", kTanh},
                      Right{"dZ1 = np.dot(W2.T, dZ2) * A1 * (1 - A1)", kSigmoid},
                      Right{"dZ1 = dA1 * sigmoid(Z1) * (1 - sigmoid(Z1))", kSigmoid},
                      Right{"dZ1 = np.multiply(np.dot(W2.T, dZ2), np.int64(A1 > 0))", kRelu},
                      Right{"dZ1 = np.where(Z1 > 0, dA1, 0)", kRelu},
                      Right{"dZ1 = dA1 * (Z1 > 0).astype(float)", kRelu},
                      Right{"dW1 = 1./m * np.dot(dZ1, X.T)", {}},
                      Right{"db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)", {}},
                      Right{"dA0 = np.dot(W1.T, dZ1)", {}},
                      Right{"dW1 = 1./m * np.dot(dZ1, X.T) + lambd/m * W1", with_lambda({}, 0.7)},
                      Right{"dW2 = 1/m * np.dot(dZ2, A1.T) + (lambd / m) * W2",
                            with_lambda(kTanh, 1.5)}));

TEST(FormulaConventions, PerExampleAndMeanIntermediatesBothPassAndSayWhich) {
  const FormulaOutcome course = check("dz[1] = W[2]T dz[2] * g[1]'(z[1])", kTanh);
  ASSERT_TRUE(course.passed());
  EXPECT_EQ(course.results.at(0).conventions.at(Quantity::dZ(1)), Convention::sum);
  const FormulaOutcome mean = check("dz[1] = 1/m W[2]T dz[2] * g[1]'(z[1])", kTanh);
  ASSERT_TRUE(mean.passed());
  EXPECT_EQ(mean.results.at(0).conventions.at(Quantity::dZ(1)), Convention::mean);
}

TEST(FormulaConventions, SummedLossWhenAsked) {
  Setting sum = kTanh;
  sum.convention = Convention::sum;
  EXPECT_TRUE(check("dW[1] = dz[1] X^T", sum).passed());
  EXPECT_FALSE(check("dW[1] = 1/m dz[1] X^T", sum).passed());
}

TEST(FormulaResultsPerActivation, HoldsOnlyForTanh) {
  const FormulaOutcome o = check("dz[1] = W[2]T dz[2] * (1 - A[1]**2)");
  EXPECT_FALSE(o.passed());
  EXPECT_EQ(o.verdict(),
            "holds only for tanh layers; fails for linear, sigmoid, relu and leaky_relu layers");
  for (const HiddenResult& r : o.results) {
    if (r.hidden == A::tanh) continue;
    ASSERT_TRUE(r.diagnosis()) << to_string(*r.hidden);
    EXPECT_EQ(r.diagnosis()->id, "activation_derivative") << describe(o);
  }
  const HiddenResult& sigmoid = o.results.at(1);
  ASSERT_EQ(sigmoid.hidden, A::sigmoid);
  EXPECT_MENTIONS(sigmoid.diagnosis()->message,
                  "(1 - A1²) is the derivative of tanh; with a sigmoid layer the factor");
  EXPECT_MENTIONS(sigmoid.diagnosis()->message, "A1 * (1 - A1)");
  // The smallest failing network, and a replay string that recreates it.
  EXPECT_EQ(sigmoid.campaign.failure->shrunk.c.spec.sizes, (std::vector<arma::uword>{1, 1, 1}));
  EXPECT_MENTIONS(sigmoid.campaign.failure->shrunk.c.replay, "act=sigmoid,sigmoid");
}

TEST(FormulaResultsPerActivation, ReplayStringRecreatesTheSmallestFailure) {
  const std::string text = "dz[1] = W[2]T dz[2] * (1 - A[1]**2)";
  const FormulaOutcome o = check(text, kSigmoid);
  ASSERT_EQ(o.results.size(), 1u);
  const Failure& f = *o.results[0].campaign.failure;
  // What `gradfuzz replay REPLAY --formula F` does.
  formula::FormulaSource source({formula::parse(text)});
  const CaseResult again = check_case(make_case(parse_recipe(f.shrunk.c.replay)), source);
  EXPECT_FALSE(again.passed());
  ASSERT_TRUE(again.diagnosis);
  EXPECT_EQ(again.diagnosis->id, "activation_derivative");
  EXPECT_EQ(again.checks.at(0).claimed(0, 0), f.shrunk.checks.at(0).claimed(0, 0));
}

TEST(FormulaResultsPerActivation, MissingDerivativeHoldsForLinearLayersOnly) {
  EXPECT_EQ(check("dz[1] = W[2]T dz[2]").verdict(),
            "holds only for linear layers; fails for sigmoid, tanh, relu and leaky_relu layers");
}

// ---- wrong variants -----------------------------------------------------------------------

struct Wrong {
  const char* formula;
  const char* diagnosis;
  Setting setting;
};

class FormulaWrong : public ::testing::TestWithParam<Wrong> {};

TEST_P(FormulaWrong, FailsWithItsDiagnosis) {
  const Wrong& w = GetParam();
  const FormulaOutcome o = check(w.formula, w.setting);
  EXPECT_FALSE(o.passed()) << w.formula;
  const std::vector<std::string> ids = o.diagnosis_ids();
  ASSERT_FALSE(ids.empty()) << w.formula << "\n" << describe(o);
  for (const std::string& id : ids) EXPECT_EQ(id, w.diagnosis) << w.formula << "\n" << describe(o);
}

const Setting kL2 = with_lambda(kTanh, 0.7);

INSTANTIATE_TEST_SUITE_P(
    Variants, FormulaWrong,
    ::testing::Values(
        // 1/m missing or doubled.
        Wrong{"dW[2] = dz[2] a[1]T", "missing_inv_m", kTanh},
        Wrong{"dW[1] = dz[1] X^T", "missing_inv_m", kTanh},
        Wrong{"db[2] = np.sum(dz[2], axis=1, keepdims=True)", "missing_inv_m", kTanh},
        Wrong{"dW1 = np.dot(dZ1, X.T)", "missing_inv_m", kSigmoid},
        Wrong{"db1 = np.sum(dZ1, axis=1, keepdims=True)", "missing_inv_m", kRelu},
        Wrong{"dZ1 = m * np.dot(W2.T, dZ2) * (1 - A1**2)", "missing_inv_m", kTanh},
        Wrong{"dW[2] = 1/m 1/m dz[2] a[1]T", "extra_inv_m", kTanh},
        Wrong{"dW2 = np.dot(dZ2, A1.T) / m / m", "extra_inv_m", kTanh},
        Wrong{"db[1] = 1/m**2 * np.sum(dz[1], axis=1, keepdims=True)", "extra_inv_m", kTanh},
        // A transpose missing, or one too many (found from the shapes alone).
        Wrong{"dz[1] = W[2] dz[2] * g[1]'(z[1])", "transposed", {}},
        Wrong{"dZ1 = np.dot(W2, dZ2) * (1 - np.power(A1, 2))", "transposed", {}},
        Wrong{"dW[2] = 1/m dz[2] a[1]", "transposed", {}},
        Wrong{"dW1 = 1./m * np.dot(dZ1, X)", "transposed", {}},
        Wrong{"dW[1] = 1/m X dz[1]T", "transposed", {}},
        Wrong{"dA[1] = W[2] dZ[2]", "transposed", {}},
        Wrong{"dZ1 = W2.T @ dZ2.T * (1 - A1**2)", "transposed", {}},
        // The wrong derivative, or none.
        Wrong{"dz[1] = W[2]T dz[2] * (1 - A[1]**2)", "activation_derivative", kSigmoid},
        Wrong{"dZ1 = np.dot(W2.T, dZ2) * A1 * (1 - A1)", "activation_derivative", kTanh},
        Wrong{"dZ1 = np.dot(W2.T, dZ2) * (1 - A1)", "activation_derivative", kTanh},
        Wrong{"dz[1] = W[2]T dz[2] * g[1]'(a[1])", "activation_derivative", kSigmoid},
        Wrong{"dZ1 = np.dot(W2.T, dZ2) * A1", "activation_derivative", kRelu},
        Wrong{"dZ1 = np.dot(W2.T, dZ2) * np.int64(A1 > 0)", "activation_derivative", kTanh},
        Wrong{"dz[1] = W[2]T dz[2]", "missing_activation_derivative", kTanh},
        Wrong{"dz[2] = (a[2] - y) * a[2] * (1 - a[2])", "output_delta", {}},
        Wrong{"dZ2 = A2 - Y", "output_delta", with_output(kTanh, Loss::mse, {A::sigmoid})},
        // The wrong axis, or no sum at all.
        Wrong{"db[1] = 1/m np.sum(dz[1], axis=0, keepdims=True)", "bias_sum_axis", {}},
        Wrong{"db1 = np.sum(dZ1) / m", "bias_sum_axis", {}},
        Wrong{"db[2] = 1/m dz[2]", "bias_sum_axis", {}},
        Wrong{"db1 = 1/m * np.sum(dZ1, axis=1)", "shape_mismatch", {}},
        // The wrong layer.
        Wrong{"dz[1] = W[1]T dz[2] * g[1]'(z[1])", "wrong_layer_index", {}},
        Wrong{"dW[2] = 1/m dz[2] A[2]T", "wrong_layer_index", {}},
        Wrong{"dz[1] = W[2]T dz[2] * g[1]'(z[2])", "wrong_layer_index", {}},
        Wrong{"dA[1] = W[1]T dZ[1]", "wrong_layer_index", {}},
        Wrong{"dW2 = 1/m * np.dot(dZ2, A2.T)", "wrong_layer_index", {}},
        // The sign.
        Wrong{"dz[2] = y - a[2]", "sign_flipped", {}},
        Wrong{"dW[2] = -1/m dz[2] a[1]T", "sign_flipped", kTanh},
        Wrong{"db1 = -np.sum(dZ1, axis=1, keepdims=True) / m", "sign_flipped", kTanh},
        // Regularization.
        Wrong{"dW[1] = 1/m dz[1] X^T", "regularization", kL2},
        Wrong{"dW1 = 1/m * np.dot(dZ1, X.T) + lambd * W1", "regularization", kL2},
        Wrong{"dW[2] = 1/m dz[2] a[1]T + 2 lambda/m W[2]", "regularization", kL2},
        Wrong{"db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True) + lambd/m * b1", "regularization",
              kL2},
        Wrong{"dW1 = 1/m * np.dot(dZ1, X.T) - lambd/m * W1", "regularization", kL2}));

}  // namespace
}  // namespace gradfuzz

// The formula parser: both notations to one tree, and errors that point at the place.

#include "gradfuzz/formula/parser.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "../test_support.hpp"

namespace gradfuzz::formula {
namespace {

// The tree as a compact string, to compare parses: "(matmul (T W[2]) dZ[2])".
std::string tree(const Node& n) {
  auto children = [&] {
    std::string out;
    for (const Node& a : n.args) out += " " + tree(a);
    return out;
  };
  switch (n.op) {
    case Op::number: {
      std::string v = std::to_string(n.value);
      v.erase(v.find_last_not_of('0') + 1);
      if (v.back() == '.') v.pop_back();
      return v;
    }
    case Op::m:
      return "m";
    case Op::lambda:
      return "lambda";
    case Op::symbol:
      return to_string(n.symbol) + (n.has_layer ? "[" + n.layer.text() + "]" : "");
    case Op::transpose:
      return "(T" + children() + ")";
    case Op::matmul:
      return "(matmul" + children() + ")";
    case Op::multiply:
      return "(*" + children() + ")";
    case Op::divide:
      return "(/" + children() + ")";
    case Op::add:
      return "(+" + children() + ")";
    case Op::subtract:
      return "(-" + children() + ")";
    case Op::negate:
      return "(neg" + children() + ")";
    case Op::power:
      return "(pow" + children() + ")";
    case Op::greater:
      return "(>" + children() + ")";
    case Op::derivative:
    case Op::activate: {
      const std::string f =
          n.named ? std::string(to_string(*n.named)) : "g[" + n.layer.text() + "]";
      return "(" + f + (n.op == Op::derivative ? "'" : "") + children() + ")";
    }
    case Op::sum:
      return "(sum axis=" + std::to_string(n.axis) + (n.keepdims ? " keep" : "") + children() + ")";
    case Op::truncate:
      return "(int" + children() + ")";
    default:
      return "(op" + std::to_string(static_cast<int>(n.op)) + children() + ")";
  }
}

std::string rhs(std::string_view text) {
  return tree(parse(text).rhs);
}

FormulaError error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const FormulaError& e) {
    return e;
  }
  ADD_FAILURE() << "'" << text << "' parsed";
  return FormulaError(std::string(text), {}, "");
}

TEST(FormulaParser, SeedFormulaExactlyAsLearnersTypeIt) {
  const Formula f = parse("dz[1] = W[2]T dz[2] * g[1]\xE2\x80\x99 (z[1])");
  EXPECT_EQ(f.target.symbol, Symbol::dZ);
  EXPECT_EQ(f.target.layer.offset, 1);
  EXPECT_EQ(f.target_text(), "dz[1]");
  EXPECT_EQ(tree(f.rhs), "(* (matmul (T W[2]) dZ[2]) (g[1]' Z[1]))");
  EXPECT_EQ(f.notation, Notation::course);
}

TEST(FormulaParser, BothNotationsGiveTheSameTree) {
  const std::string course = rhs("dz[1] = W[2]T dz[2] * g[1]'(z[1])");
  EXPECT_EQ(rhs("dZ1 = np.dot(W2.T, dZ2) * g[1]'(Z1)"), course);
  EXPECT_EQ(rhs("dZ1 = (W2.T @ dZ2) * g'(Z1)"), course);
  EXPECT_EQ(rhs("dZ^{[1]} = W^{[2]}^T dZ^{[2]} * g^{[1]}'(Z^{[1]})"), course);
  EXPECT_EQ(rhs("dz[1] = W[2]\xE1\xB5\x80 dz[2] \xE2\x8A\x99 g[1]\xE2\x80\xB2(z[1])"), course);
  EXPECT_EQ(rhs("dZ1 = np.matmul(np.transpose(W2), dZ2) * g[1]'(Z1)"), course);
  EXPECT_EQ(rhs("dZ1 = W2.T.dot(dZ2) * g[1]'(Z1)"), course);
  EXPECT_EQ(parse("dZ1 = np.dot(W2.T, dZ2) * g[1]'(Z1)").notation, Notation::numpy);
}

TEST(FormulaParser, JuxtapositionBindsTighterThanStarAndOneOverMIsAFactor) {
  EXPECT_EQ(rhs("dW[1] = 1/m dz[1] X^T"), "(matmul (matmul (/ 1 m) dZ[1]) (T A[0]))");
  EXPECT_EQ(rhs("dW1 = 1./m * np.dot(dZ1, X.T)"), "(* (/ 1 m) (matmul dZ[1] (T A[0])))");
  EXPECT_EQ(rhs("dz[1] = g[1]'(z[1]) * W[2]T dz[2]"), "(* (g[1]' Z[1]) (matmul (T W[2]) dZ[2]))");
  // Python's precedence where the formula is Python.
  EXPECT_EQ(rhs("dZ1 = W2.T @ dZ2 * (1 - A1**2)"),
            "(* (matmul (T W[2]) dZ[2]) (- 1 (pow A[1] 2)))");
  EXPECT_EQ(rhs("dZ1 = -A1**2"), "(neg (pow A[1] 2))");
  EXPECT_EQ(rhs("dZ1 = dA1 / 2 / m"), "(/ (/ dA[1] 2) m)");
}

TEST(FormulaParser, LayersInEveryWriting) {
  EXPECT_EQ(rhs("dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])"),
            "(* (matmul (T W[l+1]) dZ[l+1]) (g[l]' Z[l]))");
  EXPECT_EQ(rhs("dW[L] = 1/m dZ[L] A[L-1]T"), "(matmul (matmul (/ 1 m) dZ[L]) (T A[L-1]))");
  EXPECT_EQ(rhs("dW^{[l]} = 1/m dZ^{[l]} A^{[l-1]T}"),
            "(matmul (matmul (/ 1 m) dZ[l]) (T A[l-1]))");
  EXPECT_EQ(rhs("dZ2 = AL - Y"), "(- A[L] Y)");
  EXPECT_EQ(rhs("da[0] = w[1]^T dz^[1]"), "(matmul (T W[1]) dZ[1])");
  const Formula f = parse("dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])");
  EXPECT_TRUE(f.uses_l);
  EXPECT_FALSE(f.uses_L);
  EXPECT_TRUE(parse("dZ[L] = A[L] - Y").uses_L);
}

TEST(FormulaParser, NumpyFunctions) {
  EXPECT_EQ(rhs("db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)"),
            "(* (/ 1 m) (sum axis=1 keep dZ[1]))");
  EXPECT_EQ(rhs("db1 = np.sum(dZ1, 1) / m"), "(/ (sum axis=1 dZ[1]) m)");
  EXPECT_EQ(rhs("db1 = dZ1.sum(axis=-1, keepdims=True) / m"), "(/ (sum axis=-1 keep dZ[1]) m)");
  EXPECT_EQ(rhs("dZ1 = np.multiply(dA1, np.int64(A1 > 0))"), "(* dA[1] (int (> A[1] 0)))");
  EXPECT_EQ(rhs("dZ1 = dA1 * (Z1 > 0).astype(int)"), "(* dA[1] (int (> Z[1] 0)))");
  EXPECT_EQ(rhs("dZ1 = dA1 * (1 - np.square(np.tanh(Z1)))"), "(* dA[1] (- 1 (pow (tanh Z[1]) 2)))");
  EXPECT_EQ(rhs("dZ1 = dA1 * sigmoid(Z1) * (1 - sigmoid(Z1))"),
            "(* (* dA[1] (sigmoid Z[1])) (- 1 (sigmoid Z[1])))");
  EXPECT_EQ(rhs("dZ1 = dA1 * relu'(Z1)"), "(* dA[1] (relu' Z[1]))");
  EXPECT_EQ(rhs("dW1 = 1/m * np.dot(dZ1, X.T) + lambd/m * W1"),
            "(+ (* (/ 1 m) (matmul dZ[1] (T A[0]))) (* (/ lambda m) W[1]))");
  EXPECT_EQ(rhs("dZ1 = dA1 * (1 - A1\xC2\xB2)"), "(* dA[1] (- 1 (pow A[1] 2)))");
  EXPECT_EQ(rhs("dZ1 = dA1 * (1 - A1^2)"), "(* dA[1] (- 1 (pow A[1] 2)))");
}

TEST(FormulaParser, CommentsAndSpacesDoNotMatter) {
  EXPECT_EQ(rhs("dZ2=A2-Y"), rhs("  dZ2  =  A2  -  Y   # output layer"));
}

// Malformed input: a FormulaError at the right column, saying what was expected there.
struct Malformed {
  const char* text;
  std::size_t column;  // 1-based, in characters
  const char* says;
};

class FormulaParserErrors : public ::testing::TestWithParam<Malformed> {};

TEST_P(FormulaParserErrors, PointAtThePlace) {
  const Malformed& m = GetParam();
  const FormulaError e = error_of(m.text);
  EXPECT_EQ(e.column(), m.column) << e.display();
  EXPECT_MENTIONS(e.reason(), m.says);
  // The display has the formula, then the caret in that column.
  const std::string shown = e.display();
  const std::string caret_line = shown.substr(shown.find('\n') + 1);
  EXPECT_EQ(caret_line.find('^'), m.column + 1) << shown;  // two spaces of indent
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FormulaParserErrors,
    ::testing::Values(
        Malformed{"", 1, "empty"}, Malformed{"dz[1]", 6, "expected '='"},
        Malformed{"dz[1] W[2]", 7, "expected '='"}, Malformed{"dz[1] =", 8, "right side is empty"},
        Malformed{"W[1] = dz[1] X^T", 1, "must name a gradient"},
        Malformed{"dz[1] = W[2]T dz[2] * g[1]'(z[1]", 33, "expected ')'"},
        Malformed{"dz[1] = W[2]T dz[2] * g[1]'(z[1]))", 34, "closes no '('"},
        Malformed{"dz[1] = W[2]T dz[2] *", 22, "expected a quantity"},
        Malformed{"dz[1] = W[2]T dz[2] * * g[1]'(z[1])", 23, "expected a quantity"},
        Malformed{"dz[1] = W[2]T foo[2]", 15, "unknown name 'foo'"},
        Malformed{"dz[1] = W dz[2]", 9, "W needs a layer"},
        Malformed{"dz[1] = W[0]T dz[2]", 9, "W[0] does not exist"},
        Malformed{"dz[1] = W[2T dz[2]", 12, "expected ']'"},
        Malformed{"dz[1] = W[2]T dz[2] * g[1]'", 28, "expected '('"},
        Malformed{"db1 = np.summ(dZ1)", 10, "unknown function np.summ"},
        Malformed{"db1 = np.sum(dZ1, axis=2)", 24, "axis 2 does not exist"},
        Malformed{"db1 = np.sum(dZ1, axs=1)", 19, "takes axis= and keepdims="},
        Malformed{"db1 = np.sum(dZ1, keepdims=Yes)", 28, "True or False"},
        Malformed{"dZ1 = np.dot(W2.T)", 13, "takes 2 arguments, got 1"},
        Malformed{"dZ1 = W2T @ dZ2", 7, "W2.T"},
        Malformed{"dZ1 = dA1 * A1'", 15, "derivative mark"},
        Malformed{"dZ1 = X[1]", 8, "X has no layer"},
        Malformed{"dz[1] = W[2]T dz[2] * g[1]\xE2\x80\x99 (z[1]) $", 36, "unexpected character"},
        Malformed{"dz[1] = dz[2] = 0", 15, "a second '='"},
        Malformed{"dA[L] = W[L]T dZ[L]", 1, "dA[L] is beyond the last layer"},
        Malformed{"dz[1] = m < m < m", 15, "chained comparisons"},
        Malformed{"dz[99] = 0", 4, "deeper than"}, Malformed{"dZ1 = softmax'(Z1)", 7, "Jacobian"}));

TEST(FormulaParser, DeepNestingIsRefusedNotACrash) {
  const std::string deep = "dz[1] = " + std::string(5000, '(') + "m" + std::string(5000, ')');
  EXPECT_MENTIONS(checks::message_of<FormulaError>([&] { parse(deep.substr(0, 4000)); }),
                  "nests deeper");
  EXPECT_MENTIONS(checks::message_of<FormulaError>([&] { parse(deep); }), "at most 4096");
  const std::string signs = "dz[1] = " + std::string(3000, '-') + "m";
  EXPECT_MENTIONS(checks::message_of<FormulaError>([&] { parse(signs); }), "nests deeper");
}

TEST(FormulaParser, TargetAlone) {
  EXPECT_EQ(parse_target("dW2").symbol, Symbol::dW);
  EXPECT_EQ(parse_target("db^{[1]}").layer.offset, 1);
  EXPECT_EQ(parse_target("dZ[L]").layer.base, LayerIndex::Base::L);
  EXPECT_MENTIONS(checks::message_of<FormulaError>([] { parse_target("dz[1] + 1"); }),
                  "only the gradient");
}

// Whatever bytes come in, the parser returns a formula or throws FormulaError: nothing else.
RC_GTEST_PROP(FormulaParser, RandomBytesNeverCrash, (const std::string& bytes)) {
  try {
    const Formula f = parse(bytes);
    RC_ASSERT(f.rhs.span.end() <= bytes.size());
  } catch (const FormulaError& e) {
    RC_ASSERT(e.where().offset <= std::max(bytes.size(), kMaxFormulaLength));
    RC_ASSERT(!e.display().empty());
  }
}

// Random strings over the formula alphabet reach far deeper into the grammar than random bytes.
RC_GTEST_PROP(FormulaParser, RandomFormulaTextNeverCrashes, ()) {
  static const std::vector<std::string> pieces = {
      "dz[1]",  "dZ1", "W[2]", "T",      " ",     "=", "*", "(",
      ")",      "[",   "]",    "^",      "{",     "}", "'", "\xE2\x80\x99",
      "np.",    "sum", "dot",  ",",      "axis=", "1", "0", "keepdims=True",
      "m",      "/",   "l",    "L",      "+",     "-", "@", ".T",
      "**",     "2",   "g",    "A[l-1]", "X",     "Y", ">", "np.where(",
      "lambda", "#",   "1."};
  const auto parts = *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces));
  std::string text;
  for (const auto& p : parts) text += p;
  try {
    parse(text);
  } catch (const FormulaError&) {
  }
}

}  // namespace
}  // namespace gradfuzz::formula

#include "gradfuzz/formula/derivation.hpp"

#include <cstdio>
#include <stdexcept>

#include "gradfuzz/formula/formula_source.hpp"
#include "gradfuzz/formula/parser.hpp"

namespace gradfuzz::formula {
namespace {

std::string layer(int k) {
  return "[" + std::to_string(k) + "]";
}
std::string n(int k) {
  return "n" + std::to_string(k);
}

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}

// g'(Z) of layer k as the course writes it.
std::string derivative_words(Activation g, int k, double slope) {
  const std::string A = "A" + layer(k), Z = "Z" + layer(k);
  switch (g) {
    case Activation::sigmoid:
      return A + " * (1 - " + A + ")";
    case Activation::tanh:
      return "1 - " + A + "²";
    case Activation::relu:
      return "1 where " + Z + " > 0, else 0";
    case Activation::leaky_relu:
      return "1 where " + Z + " > 0, else the slope " + number(slope);
    case Activation::linear:
      return "1";
    case Activation::softmax:
      return "the softmax's Jacobian";
  }
  return "g'";
}

class Builder {
 public:
  Builder(const NetSpec& spec, arma::uword m) : spec_(spec), example_{spec.sizes, m, 1} {}

  DerivationStep step(const std::string& formula, std::string why) const {
    return {formula, std::move(why), check_shapes(parse(formula), example_)};
  }

  DerivationStep output_delta() const {
    const int L = spec_.depth();
    const std::string l = layer(L);
    const std::string A = "A" + l;
    switch (spec_.loss) {
      case Loss::bce:
        return step("dZ" + l + " = A" + l + " - Y",
                    "for one example the loss is L = -(Y log " + A + " + (1 - Y) log(1 - " + A +
                        ")), so dL/d" + A + " = -Y/" + A + " + (1 - Y)/(1 - " + A +
                        "); the sigmoid's derivative is " + A + " * (1 - " + A +
                        "), and their product simplifies to " + A + " - Y");
      case Loss::ce:
        return step("dZ" + l + " = A" + l + " - Y",
                    "for one example the loss is L = -Σ Y log " + A + " with " + A +
                        " = softmax(Z" + l + "); the softmax's Jacobian times dL/d" + A + " = -Y/" +
                        A + " simplifies to " + A + " - Y because each column of Y sums to 1");
      case Loss::mse:
        break;
    }
    return step("dZ" + l + " = (A" + l + " - Y) * g" + l + "'(Z" + l + ")",
                "for one example the loss is L = ½ Σ (" + A + " - Y)², so dL/d" + A + " = " + A +
                    " - Y; " + A + " = g" + l + "(Z" + l +
                    ") entry by entry, so the chain rule multiplies by g" + l + "'(Z" + l + ") = " +
                    derivative_words(spec_.g(L), L, spec_.leaky_slope) + " entry by entry");
  }

  // dA[k-1] = W[k]T dZ[k]
  DerivationStep propagate(int k) const {
    const std::string W = "W" + layer(k), dZ = "dZ" + layer(k);
    return step(
        "dA" + layer(k - 1) + " = " + W + "T " + dZ,
        "why the transpose: Z" + layer(k) + " = " + W + " A" + layer(k - 1) + " + b" + layer(k) +
            ", so every unit i of layer " + std::to_string(k - 1) +
            " feeds every unit j of layer " + std::to_string(k) + " through the weight " + W +
            "ji; the loss changes through all of "
            "those paths, so dA" +
            layer(k - 1) + "i = Σj " + W + "ji " + dZ + "j, a sum down column i of " + W +
            ", which is row i of " + W + "T: the product " + W + "T " + dZ + ", (" + n(k - 1) +
            " × " + n(k) + ")(" + n(k) + " × m); " + W + " " + dZ + " would be (" + n(k) + " × " +
            n(k - 1) + ")(" + n(k) + " × m), which does not fit");
  }

  // dZ[k] = dA[k] * g[k]'(Z[k])
  DerivationStep activation(int k) const {
    const std::string l = layer(k);
    return step("dZ" + l + " = dA" + l + " * g" + l + "'(Z" + l + ")",
                "A" + l + " = g" + l + "(Z" + l + ") entry by entry, so each entry of Z" + l +
                    " moves only its own entry of A" + l +
                    ": the chain rule multiplies by the derivative entry by entry (*, not a "
                    "matrix product); for " +
                    std::string(to_string(spec_.g(k))) + ", g" + l + "'(Z" + l +
                    ") = " + derivative_words(spec_.g(k), k, spec_.leaky_slope));
  }

  DerivationStep weights(int t) const {
    const std::string l = layer(t);
    const std::string input = t == 1 ? "X^T" : "A" + layer(t - 1) + "T";
    const bool l2 = spec_.lambda > 0;
    return step(
        "dW" + l + " = 1/m dZ" + l + " " + input + (l2 ? " + lambda/m W" + l : ""),
        "Z" + l + " = W" + l + " A" + layer(t - 1) + " + b" + l + " in every example, so W" + l +
            "ij moves Z" + l + "i of each example by A" + layer(t - 1) +
            "j: summed over the examples that is dZ" + l + " " + input +
            " (the matrix product sums over the m columns), and J averages the loss over the m "
            "examples, hence the 1/m" +
            (l2 ? "; the L2 term (lambda/2m) ||W" + l + "||² of J adds (lambda/m) W" + l : ""));
  }

  DerivationStep biases(int t) const {
    const std::string l = layer(t);
    return step("db" + l + " = 1/m np.sum(dZ" + l + ", axis=1, keepdims=True)",
                "b" + l + " is added to Z" + l + " in every example, so dJ/db" + l + " sums dZ" +
                    l +
                    " over the examples (axis=1, the columns; keepdims=True keeps a column like b" +
                    l + ") and J's average over the m examples gives the 1/m");
  }

 private:
  const NetSpec& spec_;
  ShapeExample example_;
};

}  // namespace

Derivation derive(Quantity target, const NetSpec& spec, arma::uword m) {
  const int L = spec.depth();
  const bool exists = target.kind == Quantity::Kind::dA ? target.layer >= 0 && target.layer < L
                                                        : target.layer >= 1 && target.layer <= L;
  if (!exists)
    throw std::invalid_argument(target.name() + " does not exist in a " + std::to_string(L) +
                                "-layer network (" + spec.describe() + ")");
  Builder b(spec, m);
  Derivation d;
  d.target = target;
  d.spec = spec;
  d.m = m;
  const std::string AL = "A" + layer(L);
  d.cost = "J = 1/m Σ L(" + AL + ", Y)" + (spec.lambda > 0 ? " + lambda/(2m) Σl ||W[l]||²" : "");
  d.cost_why = "the cost averages the loss L of the m examples (the columns of " + AL +
               " and Y); the steps below differentiate one example's L, until dW and db, which "
               "are derivatives of J";

  // Backward from the output to the layer of the target.
  const int stop = target.kind == Quantity::Kind::dA ? target.layer + 1 : target.layer;
  d.steps.push_back(b.output_delta());
  for (int k = L; k > stop; --k) {
    d.steps.push_back(b.propagate(k));
    d.steps.push_back(b.activation(k - 1));
  }
  switch (target.kind) {
    case Quantity::Kind::dA:
      d.steps.push_back(b.propagate(target.layer + 1));
      break;
    case Quantity::Kind::dW:
      d.steps.push_back(b.weights(target.layer));
      break;
    case Quantity::Kind::db:
      d.steps.push_back(b.biases(target.layer));
      break;
    case Quantity::Kind::dZ:
      if (target.layer < L) {
        const int t = target.layer;
        const std::string l = layer(t), next = layer(t + 1);
        d.result = b.step("dZ" + l + " = W" + next + "T dZ" + next + " * g" + l + "'(Z" + l + ")",
                          "the last two steps in one: the course's dz" + l + " = W" + next +
                              "T dz" + next + " * g" + l + "'(z" + l +
                              "); the lowercase dz of one example is one column of dZ");
      }
      break;
  }
  d.inv_m =
      "why 1/m appears in dW and db but not in dZ and dA: J = 1/m Σ L averages the m examples' "
      "losses; Z[l] of one example affects only that example's loss, so dZ[l] and dA[l] are "
      "per example (dZ[l] = dL/dZ[l], no 1/m; dJ/dZ[l] would be 1/m dZ[l]), while W[l] and b[l] "
      "are shared by all m examples, so dW[l] and db[l] add up their effect over the examples "
      "and average it as J does: that is where the 1/m goes";
  return d;
}

std::vector<CaseResult> verify(const Derivation& d, const Case& c) {
  std::vector<CaseResult> out;
  std::vector<const DerivationStep*> steps;
  for (const DerivationStep& s : d.steps) steps.push_back(&s);
  if (d.result) steps.push_back(&*d.result);
  for (const DerivationStep* s : steps) {
    FormulaSource source({parse(s->formula)});
    out.push_back(check_case(c, source));
  }
  return out;
}

}  // namespace gradfuzz::formula

// Bugs in the activation derivatives g[l]'(Z[l]).
#include <optional>

#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

// A slip in the derivative of g itself. It shows wherever backprop multiplies by g[l]'(Z[l]):
// in every hidden layer, and in mse's output delta (A[L] - Y) * g[L]'(Z[L]), because code
// writes the derivative once and calls it for every layer (the course's tanh_backward(dA,
// cache), a torch.autograd.Function's backward, course_numpy.py's derivative()).
class DerivativeSlip : public Mutant {
 public:
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta | step_activation_backward; }

 protected:
  /// The factor the slip multiplies by in layer l, or nothing where g[l] is not affected.
  virtual std::optional<arma::mat> slipped(const Pass& p, int l) const = 0;

  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    const auto factor = slipped(p, l);
    return factor ? arma::mat(dA % *factor) : ReferenceBackprop::activation_backward(p, l, dA);
  }
  arma::mat output_delta(const Pass& p) const override {
    const int L = p.c.depth();
    const auto factor = p.c.spec.loss == Loss::mse ? slipped(p, L) : std::nullopt;
    return factor ? arma::mat((A_of(p, L) - p.c.Y) % *factor) : ReferenceBackprop::output_delta(p);
  }
};

// g'(A[l]) where g'(Z[l]) belongs: sigmoid'(A) = sigmoid(A)(1 - sigmoid(A)) is not A(1 - A).
class DerivativeAtA final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    return activation_derivative(p.c.spec.g(l), A_of(p, l), p.c.spec.leaky_slope);
  }
};

class SigmoidDerivativeForTanh final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    if (p.c.spec.g(l) != Activation::tanh) return std::nullopt;
    return arma::mat(A_of(p, l) % (1.0 - A_of(p, l)));
  }
};

class TanhDerivativeUnsquared final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    if (p.c.spec.g(l) != Activation::tanh) return std::nullopt;
    return arma::mat(1.0 - A_of(p, l));
  }
};

class ReluDerivativeIsA final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    if (p.c.spec.g(l) != Activation::relu) return std::nullopt;
    return A_of(p, l);
  }
};

// The forward pass uses the configured slope; the backward one another, hard-coded (0.01 as
// shipped in the catalogue; a diagnosis fits it from the numbers: 0 is relu's backward).
class LeakySlopeHardcoded final : public DerivativeSlip {
 public:
  LeakySlopeHardcoded(std::string name, Convention c, double slope = 0.01)
      : DerivativeSlip(std::move(name), c), slope_(slope) {}

 private:
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    if (p.c.spec.g(l) != Activation::leaky_relu) return std::nullopt;
    return activation_derivative(Activation::leaky_relu, Z_of(p, l), slope_);
  }
  double slope_;
};

// Another activation's derivative, as a learner writes it: in Z (sigmoid(Z) * (1 - sigmoid(Z)),
// 1 - np.tanh(Z)**2, Z > 0) or in A (A * (1 - A), 1 - A**2, A > 0). Written in A it reads the
// layer's own A, which is not the other activation's output: that is the slip.
class OtherDerivative final : public DerivativeSlip {
 public:
  /// `on`: the layers' activation it is used for (unset: any but `used` and softmax).
  OtherDerivative(std::string name, Convention c, Activation used, std::optional<Activation> on,
                  bool in_A)
      : DerivativeSlip(std::move(name), c), used_(used), on_(on), in_A_(in_A) {}

 private:
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    const Activation g = p.c.spec.g(l);
    if (on_ ? g != *on_ : (g == used_ || g == Activation::softmax)) return std::nullopt;
    return written_derivative(used_, Z_of(p, l), A_of(p, l), in_A_, p.c.spec.leaky_slope);
  }
  Activation used_;
  std::optional<Activation> on_;
  bool in_A_;
};

// The layer's own derivative written for A but fed Z: 1 - Z**2 for tanh, Z * (1 - Z) for
// sigmoid (the course's A-forms with the cache's Z in them).
class AFormAtZ final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    const Activation g = p.c.spec.g(l);
    if (g != Activation::tanh && g != Activation::sigmoid) return std::nullopt;
    return written_derivative(g, Z_of(p, l), Z_of(p, l), true, p.c.spec.leaky_slope);
  }
};

// relu's indicator the wrong way round: (Z < 0), or np.where(Z > 0, slope, 1) for leaky_relu.
class InvertedIndicator final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    const Activation g = p.c.spec.g(l);
    if (g != Activation::relu && g != Activation::leaky_relu) return std::nullopt;
    const arma::mat& Z = Z_of(p, l);
    const double slope = g == Activation::relu ? 0.0 : p.c.spec.leaky_slope;
    arma::mat out(arma::size(Z));
    for (arma::uword k = 0; k < Z.n_elem; ++k) out[k] = Z[k] < 0 ? 1.0 : slope;
    return out;
  }
};

class NoHiddenDerivative final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_activation_backward; }
  arma::mat activation_backward(const Pass&, int, const arma::mat& dA) const override { return dA; }
};

MutantDomain hidden(std::vector<Activation> activations) {
  MutantDomain d;
  d.min_layers = 2;
  d.hidden = std::move(activations);
  return d;
}

}  // namespace

arma::mat written_derivative(Activation used, const arma::mat& Z, const arma::mat& A, bool in_A,
                             double slope) {
  if (!in_A) return activation_derivative(used, Z, slope);
  switch (used) {
    case Activation::sigmoid:
      return A % (1.0 - A);
    case Activation::tanh:
      return 1.0 - A % A;
    default:  // relu's and leaky_relu's indicators read the same in A as in Z (A > 0 iff Z > 0)
      return activation_derivative(used, A, slope);
  }
}

void add_activation_mutants(std::vector<MutantEntry>& out) {
  using A = Activation;
  out.push_back(entry<DerivativeAtA>(
      {"derivative_at_A", "activation_derivative",
       "dZ[l] = dA[l] * g[l]'(A[l]): the derivative evaluated at A instead of Z (the output "
       "too, under mse)",
       hidden({A::sigmoid, A::tanh})}));
  out.push_back(entry<SigmoidDerivativeForTanh>(
      {"sigmoid_derivative_for_tanh", "activation_derivative",
       "tanh layers (the output too, under mse) use sigmoid's derivative A[l] * (1 - A[l]) "
       "instead of 1 - A[l]^2",
       hidden({A::tanh})}));
  out.push_back(entry<TanhDerivativeUnsquared>(
      {"tanh_derivative_unsquared", "activation_derivative",
       "tanh layers (the output too, under mse) use 1 - A[l] instead of 1 - A[l]^2",
       hidden({A::tanh})}));
  out.push_back(entry<ReluDerivativeIsA>(
      {"relu_derivative_is_A", "activation_derivative",
       "relu layers (the output too, under mse) multiply by A[l] instead of the indicator "
       "(Z[l] > 0)",
       hidden({A::relu})}));
  MutantDomain leaky = hidden({A::leaky_relu});
  leaky.leaky_slopes = {0.1, 0.3};
  out.push_back(entry<LeakySlopeHardcoded>(
      {"leaky_slope_hardcoded", "activation_derivative",
       "leaky_relu's backward pass (the output's too, under mse) uses slope 0.01 whatever slope "
       "the forward pass used",
       leaky}));
  out.push_back(entry<OtherDerivative>(
      {"sigmoid_derivative_in_Z_for_tanh", "activation_derivative",
       "tanh layers (the output too, under mse) use sigmoid(Z[l]) * (1 - sigmoid(Z[l])), "
       "sigmoid's derivative written in Z, instead of 1 - A[l]^2",
       hidden({A::tanh})},
      A::sigmoid, std::optional<A>(A::tanh), false));
  out.push_back(entry<OtherDerivative>(
      {"tanh_derivative_for_sigmoid", "activation_derivative",
       "sigmoid layers (the output too, under mse) use 1 - A[l]^2, tanh's derivative, instead of "
       "A[l] * (1 - A[l])",
       hidden({A::sigmoid})},
      A::tanh, std::optional<A>(A::sigmoid), true));
  out.push_back(entry<OtherDerivative>(
      {"relu_derivative_for_tanh", "activation_derivative",
       "tanh layers (the output too, under mse) use relu's (Z[l] > 0) instead of 1 - A[l]^2",
       hidden({A::tanh})},
      A::relu, std::optional<A>(A::tanh), false));
  out.push_back(entry<AFormAtZ>(
      {"derivative_form_at_Z", "activation_derivative",
       "the derivative written for A but given Z: 1 - Z[l]^2 for tanh, Z[l] * (1 - Z[l]) for "
       "sigmoid (the output too, under mse)",
       hidden({A::sigmoid, A::tanh})}));
  out.push_back(entry<InvertedIndicator>(
      {"relu_indicator_inverted", "activation_derivative",
       "relu layers (the output too, under mse) multiply by (Z[l] < 0) instead of (Z[l] > 0)",
       hidden({A::relu, A::leaky_relu})}));
  out.push_back(entry<NoHiddenDerivative>(
      {"no_hidden_derivative", "missing_activation_derivative",
       "dZ[l] = W[l+1]T dZ[l+1]: the factor g[l]'(Z[l]) is left out in hidden layers",
       hidden({A::sigmoid, A::tanh, A::relu, A::leaky_relu})}));
}

void add_activation_families(std::vector<FittedFamily>& out) {
  out.push_back({"leaky_slope",
                 "activation_derivative",
                 [](double slope, Convention c) {
                   return std::make_unique<LeakySlopeHardcoded>("leaky_slope", c, slope);
                 },
                 [](const Case& c) {
                   for (int l = 1; l <= c.depth(); ++l)
                     if (c.spec.g(l) == Activation::leaky_relu) return true;
                   return false;
                 },
                 {}});
  // Another elementwise activation's derivative, in Z or in A, on the layers of one
  // activation: the parameter is a code, see derivative_code().
  std::vector<double> codes;
  const std::size_t n = derivative_codes().size();
  for (std::size_t k = 0; k < 2 * n * n; ++k)
    if (k / 2 / n != k / 2 % n) codes.push_back(static_cast<double>(k));
  out.push_back({"other_derivative", "activation_derivative",
                 [](double code, Convention c) {
                   const DerivativeCode d = derivative_code(code);
                   return std::make_unique<OtherDerivative>("other_derivative", c, d.used, d.on,
                                                            d.in_A);
                 },
                 [](const Case& c) { return c.depth() > 1 || c.spec.loss == Loss::mse; }, codes});
}

DerivativeCode derivative_code(double code) {
  const auto k = static_cast<std::size_t>(code);
  const std::size_t n = derivative_codes().size();
  return {derivative_codes().at(k / 2 / n), derivative_codes().at(k / 2 % n), k % 2 == 1};
}

const std::vector<Activation>& derivative_codes() {
  static const std::vector<Activation> all = {Activation::sigmoid, Activation::tanh,
                                              Activation::relu, Activation::leaky_relu,
                                              Activation::linear};
  return all;
}

}  // namespace gradfuzz::detail

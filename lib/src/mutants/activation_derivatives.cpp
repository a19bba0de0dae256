// Bugs in the activation derivatives g[l]'(Z[l]).
#include <optional>

#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

const arma::mat& Z_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.Z[static_cast<std::size_t>(l)];
}
const arma::mat& A_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.A[static_cast<std::size_t>(l)];
}

// A slip in the derivative of g itself. It shows wherever backprop multiplies by g[l]'(Z[l]):
// in every hidden layer, and in mse's output delta (A[L] - Y) * g[L]'(Z[L]), because code
// writes the derivative once and calls it for every layer (the course's tanh_backward(dA,
// cache), a torch.autograd.Function's backward, course_numpy.py's derivative()).
class DerivativeSlip : public Mutant {
 public:
  using Mutant::Mutant;

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

// The forward pass uses the configured slope; the backward one a hard-coded default.
class LeakySlopeHardcoded final : public DerivativeSlip {
  using DerivativeSlip::DerivativeSlip;
  std::optional<arma::mat> slipped(const Pass& p, int l) const override {
    if (p.c.spec.g(l) != Activation::leaky_relu) return std::nullopt;
    return activation_derivative(Activation::leaky_relu, Z_of(p, l), 0.01);
  }
};

class NoHiddenDerivative final : public Mutant {
  using Mutant::Mutant;
  arma::mat activation_backward(const Pass&, int, const arma::mat& dA) const override { return dA; }
};

MutantDomain hidden(std::vector<Activation> activations) {
  MutantDomain d;
  d.min_layers = 2;
  d.hidden = std::move(activations);
  return d;
}

}  // namespace

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
  out.push_back(entry<NoHiddenDerivative>(
      {"no_hidden_derivative", "missing_activation_derivative",
       "dZ[l] = W[l+1]T dZ[l+1]: the factor g[l]'(Z[l]) is left out in hidden layers",
       hidden({A::sigmoid, A::tanh, A::relu, A::leaky_relu})}));
}

}  // namespace gradfuzz::detail

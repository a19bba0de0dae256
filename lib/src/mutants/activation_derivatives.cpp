// Bugs in the hidden layers' activation derivatives g[l]'(Z[l]).
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

const arma::mat& Z_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.Z[static_cast<std::size_t>(l)];
}
const arma::mat& A_of(const ReferenceBackprop::Pass& p, int l) {
  return p.f.A[static_cast<std::size_t>(l)];
}

// g'(A[l]) where g'(Z[l]) belongs: sigmoid'(A) = sigmoid(A)(1 - sigmoid(A)) is not A(1 - A).
class DerivativeAtA final : public Mutant {
  using Mutant::Mutant;
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    return dA % activation_derivative(p.c.spec.g(l), A_of(p, l), p.c.spec.leaky_slope);
  }
};

class SigmoidDerivativeForTanh final : public Mutant {
  using Mutant::Mutant;
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (p.c.spec.g(l) != Activation::tanh) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % A_of(p, l) % (1.0 - A_of(p, l));
  }
};

class TanhDerivativeUnsquared final : public Mutant {
  using Mutant::Mutant;
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (p.c.spec.g(l) != Activation::tanh) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % (1.0 - A_of(p, l));
  }
};

class ReluDerivativeIsA final : public Mutant {
  using Mutant::Mutant;
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (p.c.spec.g(l) != Activation::relu) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % A_of(p, l);
  }
};

// The forward pass uses the configured slope; the backward one a hard-coded default.
class LeakySlopeHardcoded final : public Mutant {
  using Mutant::Mutant;
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    if (p.c.spec.g(l) != Activation::leaky_relu)
      return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % activation_derivative(Activation::leaky_relu, Z_of(p, l), 0.01);
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
       "dZ[l] = dA[l] * g[l]'(A[l]): the derivative evaluated at A instead of Z",
       hidden({A::sigmoid, A::tanh})}));
  out.push_back(entry<SigmoidDerivativeForTanh>(
      {"sigmoid_derivative_for_tanh", "activation_derivative",
       "tanh layers use sigmoid's derivative A[l] * (1 - A[l]) instead of 1 - A[l]^2",
       hidden({A::tanh})}));
  out.push_back(entry<TanhDerivativeUnsquared>(
      {"tanh_derivative_unsquared", "activation_derivative",
       "tanh layers use 1 - A[l] instead of 1 - A[l]^2", hidden({A::tanh})}));
  out.push_back(entry<ReluDerivativeIsA>(
      {"relu_derivative_is_A", "activation_derivative",
       "relu layers multiply by A[l] instead of the indicator (Z[l] > 0)", hidden({A::relu})}));
  MutantDomain leaky = hidden({A::leaky_relu});
  leaky.leaky_slopes = {0.1, 0.3};
  out.push_back(entry<LeakySlopeHardcoded>(
      {"leaky_slope_hardcoded", "activation_derivative",
       "leaky_relu's backward pass uses slope 0.01 whatever slope the forward pass used", leaky}));
  out.push_back(entry<NoHiddenDerivative>(
      {"no_hidden_derivative", "missing_activation_derivative",
       "dZ[l] = W[l+1]T dZ[l+1]: the factor g[l]'(Z[l]) is left out in hidden layers",
       hidden({A::sigmoid, A::tanh, A::relu, A::leaky_relu})}));
}

}  // namespace gradfuzz::detail

// Bugs in which layer's quantity a formula reads; they only type-check for equal widths.
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

// dW[l] = 1/m dZ[l] A[l]T instead of A[l-1]T.
class DwUsesOwnA final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_weight_gradient; }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return p.s * dZ * A_of(p, l).t();
  }
};

// dA[l-1] = W[l-1]T dZ[l] instead of W[l]T dZ[l].
class PropagateUsesPreviousW final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_propagate; }
  arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const override {
    if (l < 2) return ReferenceBackprop::propagate(p, l, dZ);
    const arma::mat& W = p.c.W_of(l - 1);
    if (W.n_rows != dZ.n_rows || W.n_cols != p.c.W_of(l).n_cols)
      return ReferenceBackprop::propagate(p, l, dZ);
    return W.t() * dZ;
  }
};

// dW[l] = 1/m dZ[l] Z[l]T: a layer that caches its own output for backward instead of its
// input (self.X = Z, ctx.save_for_backward(Z)).
class DwUsesOwnZ final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_weight_gradient; }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return p.s * dZ * Z_of(p, l).t();
  }
};

// Hidden layer l multiplies by the derivative of layer l+1's activation (activations[l + 1]
// passed to the backward step of layer l).
class DerivativeOfLayerAbove final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_activation_backward; }
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    const Activation above = p.c.spec.g(l + 1);
    if (above == Activation::softmax) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % activation_derivative(above, Z_of(p, l), p.c.spec.leaky_slope);
  }
};

// Hidden layer l's derivative taken at the layer above's Z (Nielsen's zs[-l + 1]).
class DerivativeAtNextZ final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_activation_backward; }
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    const arma::mat& next = Z_of(p, l + 1);
    if (arma::size(next) != arma::size(dA)) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % activation_derivative(p.c.spec.g(l), next, p.c.spec.leaky_slope);
  }
};

// Hidden layer l differentiated with the cache of layer l+1 (current_cache = caches[l + 1]):
// its derivative at Z[l+1], its dW from A[l] (layer l+1's A_prev), dA[l-1] through W[l+1].
class CacheOfLayerAbove final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override {
    return step_activation_backward | step_weight_gradient | step_propagate;
  }
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override {
    const arma::mat& next = Z_of(p, l + 1);
    if (arma::size(next) != arma::size(dA)) return ReferenceBackprop::activation_backward(p, l, dA);
    return dA % activation_derivative(p.c.spec.g(l), next, p.c.spec.leaky_slope);
  }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    const arma::mat& A = A_of(p, l);
    if (l == p.c.depth() || A.n_rows != p.c.W_of(l).n_cols)
      return ReferenceBackprop::weight_gradient(p, l, dZ);
    return p.s * dZ * A.t();
  }
  arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const override {
    if (l == p.c.depth() || arma::size(p.c.W_of(l + 1)) != arma::size(p.c.W_of(l)))
      return ReferenceBackprop::propagate(p, l, dZ);
    return p.c.W_of(l + 1).t() * dZ;
  }
};

// The L2 term of layer l adds layer l-1's weights (the 'W%d' % i / 'W%d' % (i + 1) slip).
class L2UsesPreviousW final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_regularization_gradient; }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    if (l < 2 || arma::size(p.c.W_of(l - 1)) != arma::size(p.c.W_of(l)))
      return ReferenceBackprop::regularization_gradient(p, l);
    return p.s * p.c.spec.lambda * p.c.W_of(l - 1);
  }
};

}  // namespace

void add_layer_index_mutants(std::vector<MutantEntry>& out) {
  MutantDomain square;
  square.square = true;
  out.push_back(entry<DwUsesOwnA>({"dW_uses_own_A", "wrong_layer_index",
                                   "dW[l] = 1/m dZ[l] A[l]T instead of dZ[l] A[l-1]T", square}));
  square.min_layers = 2;
  out.push_back(
      entry<PropagateUsesPreviousW>({"propagate_uses_previous_W", "wrong_layer_index",
                                     "dA[l-1] = W[l-1]T dZ[l] instead of W[l]T dZ[l]", square}));
  MutantDomain one_square = square;
  one_square.min_layers = 1;
  out.push_back(entry<DwUsesOwnZ>(
      {"dW_uses_own_Z", "wrong_layer_index",
       "dW[l] = 1/m dZ[l] Z[l]T: the layer caches its own output Z[l] for backward instead of its "
       "input A[l-1]",
       one_square}));
  MutantDomain hidden = square;
  hidden.hidden = {Activation::sigmoid, Activation::tanh, Activation::relu};
  hidden.output = {Activation::relu, Activation::linear, Activation::tanh};
  hidden.losses = {Loss::mse};
  out.push_back(entry<DerivativeOfLayerAbove>(
      {"derivative_of_layer_above", "wrong_layer_index",
       "hidden layer l multiplies by g[l+1]'(Z[l]), the derivative of the layer above's "
       "activation (activations[l + 1] passed to layer l's backward step)",
       hidden}));
  MutantDomain deep = square;
  deep.min_layers = 2;
  out.push_back(entry<DerivativeAtNextZ>(
      {"derivative_at_next_Z", "wrong_layer_index",
       "hidden layer l multiplies by g[l]'(Z[l+1]): its derivative taken at the layer above's Z",
       deep}));
  out.push_back(entry<CacheOfLayerAbove>(
      {"cache_of_layer_above", "wrong_layer_index",
       "hidden layer l is differentiated with the cache of layer l+1 (current_cache = caches[l + "
       "1]): g[l]'(Z[l+1]), dW[l] from A[l], dA[l-1] = W[l+1]T dZ[l]",
       deep}));
  MutantDomain l2 = deep;
  l2.needs_lambda = true;
  out.push_back(entry<L2UsesPreviousW>(
      {"l2_uses_previous_W", "wrong_layer_index",
       "dW[l] adds (lambda/m) W[l-1], the layer below's weights, for its L2 term", l2}));
}

}  // namespace gradfuzz::detail

// Bugs in which layer's quantity a formula reads; they only type-check for equal widths.
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

// dW[l] = 1/m dZ[l] A[l]T instead of A[l-1]T.
class DwUsesOwnA final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_weight_gradient; }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return p.s * dZ * p.f.A[static_cast<std::size_t>(l)].t();
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
}

}  // namespace gradfuzz::detail

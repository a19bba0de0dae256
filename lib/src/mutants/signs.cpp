// A sign lost in one step below the output delta (the output's own, Y - A, is output_delta.cpp's).
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

class WeightSignFlipped final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override {
    return step_weight_gradient | step_regularization_gradient;
  }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return -ReferenceBackprop::weight_gradient(p, l, dZ);
  }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return -ReferenceBackprop::regularization_gradient(p, l);
  }
};

class BiasSignFlipped final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_bias_gradient; }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return -ReferenceBackprop::bias_gradient(p, l, dZ);
  }
};

// dA[l-1] = -W[l]T dZ[l]: every layer below gets the wrong sign.
class PropagateSignFlipped final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_propagate; }
  arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const override {
    return -ReferenceBackprop::propagate(p, l, dZ);
  }
};

}  // namespace

void add_sign_mutants(std::vector<MutantEntry>& out) {
  out.push_back(entry<WeightSignFlipped>({"dW_sign_flipped",
                                          "sign_flipped",
                                          "dW[l] = -(1/m dZ[l] A[l-1]T): dW's sign is flipped",
                                          {}}));
  out.push_back(entry<BiasSignFlipped>(
      {"db_sign_flipped", "sign_flipped", "db[l] = -(1/m sum(dZ[l])): db's sign is flipped", {}}));
  MutantDomain deep;
  deep.min_layers = 2;
  out.push_back(entry<PropagateSignFlipped>(
      {"dA_sign_flipped", "sign_flipped",
       "dA[l-1] = -W[l]T dZ[l]: the sign of the propagated gradient is flipped", deep}));
}

}  // namespace gradfuzz::detail

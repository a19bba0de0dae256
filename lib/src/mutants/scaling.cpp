// Bugs in the 1/m factor.
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

class NoInvM final : public Mutant {
  using Mutant::Mutant;
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::weight_gradient(with_s(p, 1), l, dZ);
  }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::bias_gradient(with_s(p, 1), l, dZ);
  }
};

class DbNoInvM final : public Mutant {
  using Mutant::Mutant;
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::bias_gradient(with_s(p, 1), l, dZ);
  }
};

class DoubleInvM final : public Mutant {
  using Mutant::Mutant;
  arma::mat output_delta(const Pass& p) const override {
    return ReferenceBackprop::output_delta(p) / static_cast<double>(p.c.m());
  }
};

class FirstLayerNoInvM final : public Mutant {
  using Mutant::Mutant;
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::weight_gradient(l == 1 ? with_s(p, 1) : p, l, dZ);
  }
};

}  // namespace

void add_scaling_mutants(std::vector<MutantEntry>& out) {
  MutantDomain batch2;
  batch2.min_batch = 2;
  out.push_back(
      entry<NoInvM>({"no_inv_m", "missing_inv_m",
                     "dW[l] = dZ[l] A[l-1]T and db[l] = sum(dZ[l], axis=1), without 1/m", batch2}));
  out.push_back(entry<DbNoInvM>({"db_no_inv_m", "missing_inv_m",
                                 "db[l] = sum(dZ[l], axis=1) without 1/m (dW is right)", batch2}));
  out.push_back(entry<DoubleInvM>(
      {"double_inv_m", "extra_inv_m",
       "1/m applied twice: dZ[L] = (A[L] - Y) / m, then dW = 1/m dZ AT and db = 1/m sum(dZ)",
       batch2}));
  MutantDomain deep = batch2;
  deep.min_layers = 3;
  out.push_back(entry<FirstLayerNoInvM>(
      {"first_layer_no_inv_m", "missing_inv_m",
       "only the first layer of a deep network: dW[1] = dZ[1] XT without 1/m", deep}));
}

}  // namespace gradfuzz::detail

// Bugs in transposes and summation axes.
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

class DwTransposed final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override {
    return step_weight_gradient | step_regularization_gradient;
  }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::weight_gradient(p, l, dZ).t();
  }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return ReferenceBackprop::regularization_gradient(p, l).t();
  }
};

class DbWrongAxis final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_bias_gradient; }
  arma::mat bias_gradient(const Pass& p, int, const arma::mat& dZ) const override {
    return p.s * arma::sum(dZ, 0);
  }
};

class DbNotSummed final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_bias_gradient; }
  arma::mat bias_gradient(const Pass& p, int, const arma::mat& dZ) const override {
    return p.s * dZ;
  }
};

// dA[l-1] = W[l] dZ[l]: only computable when W[l] is square, which is when it goes unnoticed.
class DaMissingTranspose final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_propagate; }
  arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const override {
    const arma::mat& W = p.c.W_of(l);
    if (W.n_rows != W.n_cols) return ReferenceBackprop::propagate(p, l, dZ);
    return W * dZ;
  }
};

}  // namespace

void add_shape_mutants(std::vector<MutantEntry>& out) {
  out.push_back(entry<DwTransposed>(
      {"dW_transposed", "transposed", "dW[l] = 1/m A[l-1] dZ[l]T, the transpose of dW[l]", {}}));
  MutantDomain batch2;
  batch2.min_batch = 2;
  out.push_back(entry<DbWrongAxis>(
      {"db_wrong_axis", "bias_sum_axis",
       "db[l] = 1/m np.sum(dZ[l], axis=0): summed over the units instead of the examples",
       batch2}));
  out.push_back(entry<DbNotSummed>({"db_not_summed", "bias_sum_axis",
                                    "db[l] = 1/m dZ[l]: not summed over the examples", batch2}));
  MutantDomain square;
  square.square = true;
  square.min_layers = 2;
  out.push_back(entry<DaMissingTranspose>(
      {"dA_missing_transpose", "transposed",
       "dA[l-1] = W[l] dZ[l] instead of W[l]T dZ[l] (type-checks only for square W)", square}));
}

}  // namespace gradfuzz::detail

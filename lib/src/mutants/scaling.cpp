// Bugs in the 1/m factor.
#include <cmath>

#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

class NoInvM final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_weight_gradient | step_bias_gradient; }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::weight_gradient(with_s(p, 1), l, dZ);
  }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::bias_gradient(with_s(p, 1), l, dZ);
  }
};

class DbNoInvM final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_bias_gradient; }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::bias_gradient(with_s(p, 1), l, dZ);
  }
};

class DoubleInvM final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    return ReferenceBackprop::output_delta(p) / static_cast<double>(p.c.m());
  }
};

class FirstLayerNoInvM final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_weight_gradient; }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::weight_gradient(l == 1 ? with_s(p, 1) : p, l, dZ);
  }
};

// A factor k * m^p where the course has none: on dW and db (the data term), on the L2 term
// too, or on the output delta (and so on everything below it).
class Scaled final : public Mutant {
 public:
  Scaled(std::string name, Convention c, unsigned steps, double k, double p)
      : Mutant(std::move(name), c), steps_(steps), k_(k), p_(p) {}
  unsigned replaced_steps() const override { return steps_; }
  arma::mat output_delta(const Pass& p) const override {
    return factor(p) * ReferenceBackprop::output_delta(p);
  }
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return factor(p) * ReferenceBackprop::weight_gradient(p, l, dZ);
  }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return factor(p) * ReferenceBackprop::bias_gradient(p, l, dZ);
  }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return factor(p) * ReferenceBackprop::regularization_gradient(p, l);
  }

 private:
  double factor(const Pass& p) const { return k_ * std::pow(static_cast<double>(p.c.m()), p_); }
  unsigned steps_;
  double k_, p_;
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

void add_scaling_families(std::vector<FittedFamily>& out) {
  auto any = [](const Case&) { return true; };
  // The parameter is the factor on the case it was fitted on; the diagnosis reads it as
  // k * m^p (scaled_by_power_of_m) when it is a power of m, and probes another m to tell.
  auto family = [&](std::string name, unsigned steps) {
    return FittedFamily{name,
                        "",
                        [name, steps](double k, Convention c) {
                          return std::make_unique<Scaled>(name, c, steps, k, 0.0);
                        },
                        any,
                        {}};
  };
  using S = ReferenceBackprop::Step;
  out.push_back(family("scaled_gradients", S::step_weight_gradient | S::step_bias_gradient));
  out.push_back(family("scaled_weight_gradients", S::step_weight_gradient));
  out.push_back(family("scaled_bias_gradients", S::step_bias_gradient));
  out.push_back(family("scaled_output_delta", S::step_output_delta));
  out.push_back(family("scaled_weight_gradients_and_l2",
                       S::step_weight_gradient | S::step_regularization_gradient));
  out.push_back(family("scaled_gradients_and_l2", S::step_weight_gradient | S::step_bias_gradient |
                                                      S::step_regularization_gradient));
}

std::unique_ptr<Mutant> scaled(std::string name, Convention c, unsigned steps, double k,
                               double power_of_m) {
  return std::make_unique<Scaled>(std::move(name), c, steps, k, power_of_m);
}

}  // namespace gradfuzz::detail

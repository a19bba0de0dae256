// Bugs in the L2 term's gradient (lambda/m) W[l].
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

class L2Missing final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_regularization_gradient; }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return arma::zeros(arma::size(p.c.W_of(l)));
  }
};

class L2WithoutInvM final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_regularization_gradient; }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return ReferenceBackprop::regularization_gradient(with_s(p, 1), l);
  }
};

// d/dW of (lambda/2m)||W||^2 taken as (2 lambda/m) W: the 1/2 forgotten.
class L2Doubled final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_regularization_gradient; }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return 2.0 * ReferenceBackprop::regularization_gradient(p, l);
  }
};

class L2OnBiases final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_bias_gradient; }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::bias_gradient(p, l, dZ) + p.s * p.c.spec.lambda * p.c.b_of(l);
  }
};

// dW[l] carries k W[l] for the L2 term, k any number (0: missing; lambda: without 1/m; negative:
// subtracted); the right k is s lambda.
class L2Coefficient final : public Mutant {
 public:
  L2Coefficient(std::string name, Convention c, double k) : Mutant(std::move(name), c), k_(k) {}
  unsigned replaced_steps() const override { return step_regularization_gradient; }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return k_ * p.c.W_of(l);
  }

 private:
  double k_;
};

// db[l] carries k b[l]: the biases regularized.
class BiasL2 final : public Mutant {
 public:
  BiasL2(std::string name, Convention c, double k) : Mutant(std::move(name), c), k_(k) {}
  unsigned replaced_steps() const override { return step_bias_gradient; }
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override {
    return ReferenceBackprop::bias_gradient(p, l, dZ) + k_ * p.c.b_of(l);
  }

 private:
  double k_;
};

class L2SignFlipped final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_regularization_gradient; }
  arma::mat regularization_gradient(const Pass& p, int l) const override {
    return -ReferenceBackprop::regularization_gradient(p, l);
  }
};

}  // namespace

void add_regularization_mutants(std::vector<MutantEntry>& out) {
  MutantDomain l2;
  l2.needs_lambda = true;
  out.push_back(entry<L2Missing>(
      {"l2_missing", "regularization",
       "dW[l] lacks the L2 term (lambda/m) W[l] although J includes (lambda/2m) sum ||W||^2", l2}));
  MutantDomain l2_batch = l2;
  l2_batch.min_batch = 2;
  out.push_back(
      entry<L2WithoutInvM>({"l2_without_inv_m", "regularization",
                            "dW[l] adds lambda W[l] instead of (lambda/m) W[l]", l2_batch}));
  out.push_back(entry<L2Doubled>(
      {"l2_doubled", "regularization",
       "dW[l] adds (2 lambda/m) W[l]: the 1/2 of (lambda/2m) ||W||^2 forgotten", l2}));
  out.push_back(entry<L2SignFlipped>({"l2_sign_flipped", "regularization",
                                      "dW[l] subtracts (lambda/m) W[l] instead of adding it", l2}));
  out.push_back(entry<L2OnBiases>(
      {"l2_on_biases", "regularization",
       "db[l] adds (lambda/m) b[l]: biases regularized although J does not include them", l2}));
}

void add_regularization_families(std::vector<FittedFamily>& out) {
  auto l2 = [](const Case& c) { return c.spec.lambda > 0; };
  out.push_back({"l2_coefficient",
                 "regularization",
                 [](double k, Convention c) {
                   return std::make_unique<L2Coefficient>("l2_coefficient", c, k);
                 },
                 l2,
                 {}});
  out.push_back({"l2_on_biases_coefficient",
                 "regularization",
                 [](double k, Convention c) {
                   return std::make_unique<BiasL2>("l2_on_biases_coefficient", c, k);
                 },
                 l2,
                 {}});
}
}  // namespace gradfuzz::detail

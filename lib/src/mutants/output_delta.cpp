// Bugs in the output layer's delta dZ[L].
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

const arma::mat& A_L(const ReferenceBackprop::Pass& p) {
  return p.f.A[static_cast<std::size_t>(p.c.depth())];
}

class OutputSignFlipped final : public Mutant {
  using Mutant::Mutant;
  arma::mat output_delta(const Pass& p) const override {
    return -ReferenceBackprop::output_delta(p);
  }
};

class MseDeltaWithoutDerivative final : public Mutant {
  using Mutant::Mutant;
  arma::mat output_delta(const Pass& p) const override { return A_L(p) - p.c.Y; }
};

// Treats softmax like a sigmoid: (A - Y) * A (1 - A), column coupling lost.
class SoftmaxElementwiseDelta final : public Mutant {
  using Mutant::Mutant;
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss != Loss::ce) return ReferenceBackprop::output_delta(p);
    return (A_L(p) - p.c.Y) % A_L(p) % (1.0 - A_L(p));
  }
};

// dZ[L] = dA[L] * g'(Z[L]) with dA[L] taken as A - Y: sigmoid's derivative applied twice.
class BceDeltaTimesDerivative final : public Mutant {
  using Mutant::Mutant;
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss != Loss::bce) return ReferenceBackprop::output_delta(p);
    return (A_L(p) - p.c.Y) % A_L(p) % (1.0 - A_L(p));
  }
};

}  // namespace

void add_output_mutants(std::vector<MutantEntry>& out) {
  using A = Activation;
  out.push_back(entry<OutputSignFlipped>(
      {"output_sign_flipped", "sign_flipped", "dZ[L] = Y - A[L] instead of A[L] - Y", {}}));
  MutantDomain mse;
  mse.losses = {Loss::mse};
  mse.output = {A::sigmoid, A::tanh, A::relu, A::leaky_relu};
  out.push_back(entry<MseDeltaWithoutDerivative>(
      {"mse_delta_without_derivative", "output_delta",
       "dZ[L] = A[L] - Y for mse, leaving out the output activation's derivative g[L]'(Z[L])",
       mse}));
  MutantDomain ce;
  ce.losses = {Loss::ce};
  ce.output = {A::softmax};
  out.push_back(entry<SoftmaxElementwiseDelta>(
      {"softmax_elementwise_delta", "output_delta",
       "dZ[L] = (A[L] - Y) * A[L] * (1 - A[L]) for softmax + ce: softmax differentiated as if "
       "it were a sigmoid (the right delta is A[L] - Y)",
       ce}));
  MutantDomain bce;
  bce.losses = {Loss::bce};
  bce.output = {A::sigmoid};
  out.push_back(entry<BceDeltaTimesDerivative>(
      {"bce_delta_times_derivative", "output_delta",
       "dZ[L] = (A[L] - Y) * A[L] * (1 - A[L]) for sigmoid + bce: A - Y already includes the "
       "sigmoid's derivative",
       bce}));
}

}  // namespace gradfuzz::detail

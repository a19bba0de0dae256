// Bugs in the output layer's delta dZ[L].
#include "mutant.hpp"

namespace gradfuzz::detail {
namespace {

const arma::mat& A_L(const ReferenceBackprop::Pass& p) {
  return p.f.A[static_cast<std::size_t>(p.c.depth())];
}

class OutputSignFlipped final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    return -ReferenceBackprop::output_delta(p);
  }
};

class MseDeltaWithoutDerivative final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override { return A_L(p) - p.c.Y; }
};

// Treats softmax like a sigmoid: (A - Y) * A (1 - A), column coupling lost.
class SoftmaxElementwiseDelta final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss != Loss::ce) return ReferenceBackprop::output_delta(p);
    return (A_L(p) - p.c.Y) % A_L(p) % (1.0 - A_L(p));
  }
};

// dZ[L] = dA[L] * g'(Z[L]) with dA[L] taken as A - Y: sigmoid's derivative applied twice.
class BceDeltaTimesDerivative final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss != Loss::bce) return ReferenceBackprop::output_delta(p);
    return (A_L(p) - p.c.Y) % A_L(p) % (1.0 - A_L(p));
  }
};

// Predictions clipped to [eps, 1 - eps] before the delta (np.clip(AL, 1e-7, 1 - 1e-7), to keep
// log() finite): right except where the output saturates. Either A itself is clipped in
// A - Y, or dA[L] = -(Y/A - (1-Y)/(1-A)) is taken of the clipped A and then multiplied by
// the unclipped sigmoid derivative A (1 - A).
class ClippedOutput final : public Mutant {
 public:
  ClippedOutput(std::string name, Convention c, double eps, bool through_dA)
      : Mutant(std::move(name), c), eps_(eps), through_dA_(through_dA) {}
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss == Loss::mse) return ReferenceBackprop::output_delta(p);
    const arma::mat& A = A_L(p);
    const arma::mat clipped = arma::clamp(A, eps_, 1 - eps_);
    if (!through_dA_ || p.c.spec.loss != Loss::bce) return clipped - p.c.Y;
    const arma::mat dA = -(p.c.Y / clipped - (1 - p.c.Y) / (1 - clipped));
    return dA % A % (1 - A);
  }

 private:
  double eps_;
  bool through_dA_;
};

// The labels made hard before the delta: A - onehot(argmax Y) for ce, A - (Y > 1/2) for bce.
// Right for hard labels, wrong for soft ones.
class HardenedLabels final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss == Loss::mse) return ReferenceBackprop::output_delta(p);
    arma::mat hard(arma::size(p.c.Y), arma::fill::zeros);
    if (p.c.spec.loss == Loss::ce) {
      for (arma::uword j = 0; j < p.c.Y.n_cols; ++j) hard(p.c.Y.col(j).index_max(), j) = 1;
    } else {
      hard.elem(arma::find(p.c.Y > 0.5)).ones();
    }
    return A_L(p) - hard;
  }
};

// softmax + ce through a diagonal Jacobian: dA = -Y / A, times A (1 - A), gives -Y (1 - A).
class SoftmaxDiagonalJacobian final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss != Loss::ce) return ReferenceBackprop::output_delta(p);
    return -p.c.Y % (1.0 - A_L(p));
  }
};

// dA[L] = -(Y/A + (1-Y)/(1-A)) (one sign wrong in the course's dAL), times A (1 - A).
class BceDaSignSlip final : public Mutant {
  using Mutant::Mutant;
  unsigned replaced_steps() const override { return step_output_delta; }
  arma::mat output_delta(const Pass& p) const override {
    if (p.c.spec.loss != Loss::bce) return ReferenceBackprop::output_delta(p);
    const arma::mat& A = A_L(p);
    return -(p.c.Y % (1.0 - A) + (1.0 - p.c.Y) % A);
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
  out.push_back(entry<SoftmaxDiagonalJacobian>(
      {"softmax_diagonal_jacobian", "output_delta",
       "dZ[L] = dA[L] * A[L] * (1 - A[L]) with dA[L] = -Y / A[L] for softmax + ce: only the "
       "diagonal of softmax's Jacobian (the right delta is A[L] - Y)",
       ce}));
  out.push_back(entry<BceDaSignSlip>(
      {"bce_dA_sign_slip", "output_delta",
       "dA[L] = -(Y / A[L] + (1 - Y) / (1 - A[L])): the second term's sign is wrong (the course's "
       "dAL = -(Y / AL - (1 - Y) / (1 - AL)))",
       bce}));
  MutantDomain soft = ce;
  soft.losses = {Loss::ce, Loss::bce};
  soft.output = {A::softmax, A::sigmoid};
  soft.soft_labels = true;
  out.push_back(entry<HardenedLabels>(
      {"argmax_labels", "output_delta",
       "dZ[L] = A[L] - onehot(argmax Y) (A[L] - (Y > 1/2) for bce): the labels made hard, "
       "wrong for soft labels",
       soft}));
  MutantDomain saturated = soft;
  saturated.soft_labels = false;
  saturated.saturated = true;
  out.push_back(entry<ClippedOutput>(
      {"clipped_predictions", "output_delta",
       "dZ[L] = np.clip(A[L], 1e-7, 1 - 1e-7) - Y: wrong where the output saturates", saturated},
      1e-7, false));
}

void add_output_families(std::vector<FittedFamily>& out) {
  auto not_mse = [](const Case& c) { return c.spec.loss != Loss::mse; };
  const std::vector<double> bounds = {1e-16, 1e-15, 1e-12, 1e-10, 1e-9, 1e-8,
                                      1e-7,  1e-6,  1e-5,  1e-4,  1e-3};
  for (bool through_dA : {false, true})
    out.push_back({through_dA ? "clipped_dA" : "clipped_A", "output_delta",
                   [through_dA](double eps, Convention c) {
                     return std::make_unique<ClippedOutput>(through_dA ? "clipped_dA" : "clipped_A",
                                                            c, eps, through_dA);
                   },
                   not_mse, bounds});
}

}  // namespace gradfuzz::detail

#pragma once
// CostProbe: J as a function of one entry of one quantity, everything else held fixed.
// Upstream layers are reused from the base forward pass; only the layers the entry reaches are
// recomputed. Perturbing an intermediate (Z<l>, A<l>) shifts it inside the forward pass.

#include <armadillo>
#include <complex>
#include <limits>
#include <span>

#include "gradfuzz/cost_evaluator.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

/// J already computed at some shifts of the selected entry (the batched engine's results).
/// delta[k] is a shift, cost[k] is J there and crossed[k] the kinks that evaluation crossed.
struct PrecomputedCosts {
  std::span<const double> delta;
  std::span<const double> cost;
  std::span<const std::size_t> crossed;
};

class CostProbe final : public CostEvaluator {
 public:
  /// `base` must be forward(c); both must outlive the probe.
  CostProbe(const Case& c, const ForwardPass& base);

  /// Chooses the entry (row, col) of W<l>, b<l>, Z<l> or A<l> (q names it as its gradient:
  /// dW2 selects W2). Throws std::out_of_range for an entry the case does not have. Forgets
  /// any precomputed costs.
  void select(Quantity q, arma::uword row, arma::uword col) override;
  /// From now until the next select(), cost(delta) for a delta equal to one of `costs.delta`
  /// returns the precomputed value instead of evaluating J; other shifts are evaluated. The
  /// spans must stay valid that long.
  void precomputed(PrecomputedCosts costs) { precomputed_ = costs; }
  /// The selected entry's value in the case (the point the derivative is taken at).
  double entry() const override { return entry_; }
  /// J at the unperturbed case.
  double base_cost() const override { return base_.cost; }
  /// The size of the rounding error of one evaluation of J, in units of machine epsilon:
  /// |J| plus what rounding in the last pre-activation moves it by, (1/m) sum |dL/dZ<L>|
  /// (|Z<L>| + 1). A loss computed from large terms that cancel (a softmax that is nearly
  /// right, an mse that nearly fits) has rounding errors far above eps |J|.
  double rounding_scale() const override { return rounding_scale_; }
  /// Double precision: gradfuzz's own forward pass.
  double epsilon() const override { return std::numeric_limits<double>::epsilon(); }
  /// Whether any layer has a kink (relu, leaky_relu).
  bool has_kinks() const override { return has_kinks_; }
  /// Whether some relu or leaky_relu pre-activation of the base pass is exactly 0.
  bool on_kink() const override { return on_kink_; }

  /// J with the selected entry shifted by `delta`. If `kinks_crossed` is given, it is set to the
  /// number of relu or leaky_relu pre-activations (entries of Z) on another side of 0 than in
  /// the base pass.
  double cost(double delta, std::size_t* kinks_crossed = nullptr) const override;
  /// J with the entry shifted by a complex `delta` (for the complex step).
  std::complex<double> cost(std::complex<double> delta) const override;

 private:
  template <class T>
  T evaluate(T delta, std::size_t* kinks_crossed) const;

  const Case& c_;
  const ForwardPass& base_;
  Quantity q_;
  arma::uword row_ = 0, col_ = 0;
  double entry_ = 0;
  bool has_kinks_;
  bool on_kink_ = false;
  double rounding_scale_ = 0;
  PrecomputedCosts precomputed_;
};

}  // namespace gradfuzz

#pragma once
// SourceCostProbe: J from the code under test's own forward pass (GradientSource::cost, an
// adapter's `cost` request) at the case with one parameter entry shifted. Finite differences of
// it (`--numeric-from adapter`) check the gradients against the code's own cost, so that a cost
// the code defines differently from gradfuzz's shows up as exactly that.
//
// Only parameters (W<l>, b<l>) can be shifted: a source is asked about a whole case, and an
// intermediate Z<l>, A<l> is not part of one. The evaluation is in the source's precision
// (epsilon() follows it; make_scheme's step should too). Whether a shift moved a relu input
// across 0 cannot be read from the source: gradfuzz's forward pass at the same point counts the
// crossings, as it does for its own differences.

#include "gradfuzz/cost_evaluator.hpp"
#include "gradfuzz/gradient_source.hpp"
#include "gradfuzz/perturbation.hpp"

namespace gradfuzz {

class SourceCostProbe final : public CostEvaluator {
 public:
  /// `base` must be forward(c); c, base and source must outlive the probe. Asks the source
  /// for J at `c` once. Throws std::invalid_argument unless source.info().cost.
  SourceCostProbe(const Case& c, const ForwardPass& base, GradientSource& source);

  /// W<l> or b<l> (dW<l>, db<l>); throws std::invalid_argument for an intermediate.
  void select(Quantity q, arma::uword row, arma::uword col) override;
  double entry() const override { return reference_.entry(); }
  /// The source's own J at the case.
  double base_cost() const override { return base_cost_; }
  /// cost_rounding_magnitude(c): the forward pass's rounding carried to J.
  double rounding_scale() const override { return rounding_scale_; }
  double epsilon() const override { return epsilon_; }
  bool has_kinks() const override { return reference_.has_kinks(); }
  bool on_kink() const override { return reference_.on_kink(); }
  /// The source's J at the shifted case; the crossings are gradfuzz's forward pass's.
  double cost(double delta, std::size_t* kinks_crossed = nullptr) const override;
  /// Throws std::logic_error: a source's cost takes real numbers only.
  std::complex<double> cost(std::complex<double> delta) const override;

 private:
  GradientSource& source_;
  CostProbe reference_;
  mutable Case shifted_;  // the case with the selected entry moved; restored after each evaluation
  Quantity q_;
  arma::uword row_ = 0, col_ = 0;
  double base_cost_ = 0;
  double rounding_scale_ = 0;
  double epsilon_ = 0;
};

}  // namespace gradfuzz

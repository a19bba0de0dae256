#pragma once
// CostEvaluator: J as a function of one entry of one quantity, everything else held fixed. This
// is what a DifferenceScheme differentiates. One class per way of evaluating J: CostProbe runs
// gradfuzz's own forward pass (perturbation.hpp), SourceCostProbe asks the code under test for
// its cost (source_cost_probe.hpp).

#include <armadillo>
#include <complex>
#include <cstddef>

#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

class CostEvaluator {
 public:
  virtual ~CostEvaluator() = default;

  /// Chooses the entry (row, col) of W<l>, b<l>, Z<l> or A<l> (q names it as its gradient:
  /// dW2 selects W2). Throws std::out_of_range for an entry the case does not have.
  virtual void select(Quantity q, arma::uword row, arma::uword col) = 0;
  /// The selected entry's value in the case (the point the derivative is taken at).
  virtual double entry() const = 0;
  /// J at the unperturbed case.
  virtual double base_cost() const = 0;
  /// The size of the rounding error of one evaluation of J, in units of epsilon().
  virtual double rounding_scale() const = 0;
  /// Machine epsilon of the arithmetic J is evaluated in.
  virtual double epsilon() const = 0;
  /// Whether any layer has a kink (relu, leaky_relu).
  virtual bool has_kinks() const = 0;
  /// Whether some relu or leaky_relu pre-activation of the base pass is exactly 0.
  virtual bool on_kink() const = 0;
  /// J with the selected entry shifted by `delta`. If `kinks_crossed` is given, it is set to the
  /// number of relu or leaky_relu pre-activations (entries of Z) on another side of 0 than in
  /// the base pass.
  virtual double cost(double delta, std::size_t* kinks_crossed = nullptr) const = 0;
  /// J with the entry shifted by a complex `delta` (for the complex step); an evaluator that
  /// cannot throws std::logic_error.
  virtual std::complex<double> cost(std::complex<double> delta) const = 0;
};

}  // namespace gradfuzz

#pragma once
// What finite differences say the gradients must be: dJ/dq for every entry of a quantity q
// (a parameter W<l>, b<l> or an intermediate Z<l>, A<l>), in the mean convention. The sum
// convention's value is m times it; the per-example dL/dZ<l> of the course is also m dJ/dZ<l>.

#include <armadillo>
#include <map>
#include <vector>

#include "gradfuzz/case.hpp"
#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

struct NumericQuantity {
  arma::mat value;        ///< dJ/dq, the scheme's estimate per entry
  arma::mat error_bound;  ///< the scheme's estimate of its own error per entry
  arma::umat at_kink;     ///< where the stencil crossed relu/leaky_relu kinks: how many (else 0)
  arma::mat left, right;  ///< one-sided derivatives where at_kink (0 elsewhere)
  /// Whether some entries are screened estimates (Thoroughness::screening): their error_bound
  /// leaves out truncation, so a claim outside it needs the full estimate before it fails.
  bool screened = false;

  /// The same numbers multiplied by `factor` (m for the sum convention).
  NumericQuantity scaled(double factor) const;
};

using NumericGradients = std::map<Quantity, NumericQuantity>;

/// The shape (rows, cols) the gradient of `q` has in case `c`; throws std::out_of_range for a
/// quantity the network does not have (dW3 of a two-layer network, dA<L>).
Shape expected_shape(const Case& c, Quantity q);
/// Whether the network has quantity q (dW1..dWL, db1..dbL, dZ1..dZL, dA0..dA<L-1>).
bool has_quantity(const Case& c, Quantity q);
/// dW1, db1, ..., dWL, dbL.
std::vector<Quantity> parameter_quantities(const Case& c);

/// How much of a scheme to evaluate: all of it, or its cheaper screening pass
/// (DifferenceScheme::screen: the same derivatives, error bounds of rounding only).
enum class Thoroughness { full, screening };

/// Numeric dJ/dq for each quantity in `which`, with `scheme`. A scheme with real shifts
/// (forward, central, five-point) has its evaluations of J computed in batches, on all cores,
/// recomputing only the layers each entry reaches; the result equals
/// detail::numeric_gradients_entrywise up to rounding (sums in another order).
NumericGradients numeric_gradients(const Case& c, const DifferenceScheme& scheme,
                                   const std::vector<Quantity>& which,
                                   Thoroughness thoroughness = Thoroughness::full);

/// Numeric dJ/dq with J from `evaluator` (the code under test's cost: source_cost_probe.hpp), entry
/// by entry, for quantities the evaluator can shift.
NumericGradients numeric_gradients(const Case& c, const DifferenceScheme& scheme,
                                   const std::vector<Quantity>& which, CostEvaluator& evaluator,
                                   Thoroughness thoroughness = Thoroughness::full);

namespace detail {
/// The plain path and test oracle of numeric_gradients: every entry asks a CostProbe for each
/// evaluation of J, one full continued forward pass each.
NumericGradients numeric_gradients_entrywise(const Case& c, const DifferenceScheme& scheme,
                                             const std::vector<Quantity>& which);
}  // namespace detail

}  // namespace gradfuzz

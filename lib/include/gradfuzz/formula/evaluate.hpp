#pragma once
// Evaluates a formula's right side on a Case: forward quantities from forward(), gradients on
// the right side from the reference backprop's exact values, so each formula is judged on its
// own (a wrong dz[2] formula does not spoil the check of dz[1]'s).

#include <stdexcept>

#include "gradfuzz/case.hpp"
#include "gradfuzz/convention.hpp"
#include "gradfuzz/formula/ast.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz::formula {

/// A formula that has no value on a case although its shapes work (the derivative of a softmax
/// layer, a value the network lacks); what() says why.
class EvaluationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a right side reads.
struct Environment {
  const Case& c;
  const ForwardPass& forward;
  /// The reference gradients: dW, db in the convention being checked, dZ, dA per example.
  const Gradients& reference;
  int l = 0;  ///< the value of l
};

/// The value of `f`'s right side, with NumPy's semantics (broadcasting, np.sum dropping an axis,
/// comparisons as 0/1, np.int64 truncating). The shapes must have been checked (check_shapes
/// on a network of this depth); a value of another rank or size than the target's throws
/// EvaluationError. Non-finite numbers are returned as they come (np.log of a negative is NaN).
arma::mat evaluate(const Formula& f, const Environment& env);

}  // namespace gradfuzz::formula

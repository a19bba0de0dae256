#pragma once
// The forward-cost check: J as the code under test computed it (PROTOCOL.md's `cost`) against
// gradfuzz's own forward pass. A wrong J means the forward pass or the loss is wrong, whatever
// the gradients say (diagnosis forward_cost).
//
// The pass rule, for the claimed cost c and the reference J: both finite, and
//   |c - J| <= rtol * max(|c|, |J|) + ulps * eps * M,
// with rtol, ulps and eps the tolerance of the code's precision (compare.hpp) and M the rounding
// magnitude of J (rounding.hpp's cost_rounding_magnitude): how far a correct forward pass in
// that precision may land from the exact J. Two equal numbers always pass.

#include "gradfuzz/case.hpp"
#include "gradfuzz/compare.hpp"

namespace gradfuzz {

struct CostCheck {
  double claimed = 0;    ///< the source's J
  double reference = 0;  ///< gradfuzz's J (forward.hpp)
  double allowed = 0;    ///< the largest |claimed - reference| the pass rule accepts
  bool passed = false;

  double abs_error() const;
  /// |claimed - reference| / max(|claimed|, |reference|); 0 for two zeros.
  double rel_error() const;
};

/// Checks `claimed` against the reference J of `c` with `tolerance` (the source's precision).
CostCheck check_cost(const Case& c, double claimed, const Tolerance& tolerance);

}  // namespace gradfuzz

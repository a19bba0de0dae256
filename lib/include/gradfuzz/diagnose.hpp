#pragma once
// Names the bug behind a failing case, in words, with the numbers.
//
// In order, the first that fits wins:
//   1. the code under test failed (adapter_error) or produced NaN/Inf (non_finite);
//   2. every claimed quantity equals a catalogue mutant's on this case: that mutant's bug;
//   3. a claimed activation derivative is another activation's (activation_derivative);
//   4. a shape is wrong: transposed, bias_sum_axis (db of 1 x m or n x m), shape_mismatch;
//   5. a failing quantity is a constant times the numeric one: m (missing_inv_m),
//      1/m (extra_inv_m), -1 (sign_flipped), anything else (constant_factor);
//   6. the error of dW<l> is a multiple of W<l>, or that of db<l> of b<l> (regularization);
//   7. with intermediates, the first quantity from the output back that disagrees: dZ<L>
//      (output_delta), dZ<l> after a right dA<l> (activation_derivative, or
//      missing_activation_derivative when dZ<l> = dA<l>);
//   8. otherwise unknown, naming the layer where gradients first disagree and the worst entry.

#include "gradfuzz/check.hpp"

namespace gradfuzz {

/// Diagnoses a failed result; `info` is the source's (its convention selects the mutants'),
/// `tolerance` the one the checks used. A passed result gets id "none".
Diagnosis diagnose(const CaseResult& result, const SourceInfo& info, const Tolerance& tolerance);

}  // namespace gradfuzz

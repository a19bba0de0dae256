#pragma once
// Names the bug behind a failing case, in words, with the numbers.
//
// In order, the first that fits wins:
//   1. the code under test failed (adapter_error) or produced NaN/Inf (non_finite); its J is
//      wrong (forward_cost, then the gradients are diagnosed too);
//   2. a hypothesis: the fewest substitutions of the slot grammar (lib/src/mutants/: each
//      catalogue mutant at every layer or at one, and fitted families whose number is solved
//      from the claimed numbers: factors k m^p, L2 coefficients, leaky slopes, clipping bounds,
//      other activations' derivatives in Z or in A), one and then two, that reproduces every
//      claimed quantity of the shrunk case; kept only if it also reproduces the case first
//      found, then tested on probe cases asked of the code (context.source): another m, soft
//      labels, saturated outputs, equal widths, one-unit layers, a fresh draw. A hypothesis
//      a probe contradicts is dropped. Its words name the slip and the course's line, then
//      the structural reading of the numbers (3.), then the evidence;
//   3. no hypothesis: a failing dW<l>/db<l> equal to another layer's true one
//      (wrong_layer_index); a wrong shape (transposed, bias_sum_axis, shape_mismatch); a
//      constant factor (missing_inv_m, extra_inv_m, sign_flipped, constant_factor); an L2
//      multiple (regularization); with intermediates, the first quantity from the output back
//      that disagrees (output_delta, activation_derivative, missing_activation_derivative);
//   4. otherwise unknown: where the error lives (layer, quantity, entries) and what was ruled
//      out.
// Every probe asked is in Diagnosis::probes, whatever the outcome.

#include "gradfuzz/check.hpp"

namespace gradfuzz {

/// Diagnoses a failed result; `info` is the source's (its convention selects the mutants'),
/// `tolerance` the one the checks used, `context` what else may be consulted. A passed result
/// gets id "none".
Diagnosis diagnose(const CaseResult& result, const SourceInfo& info, const Tolerance& tolerance,
                   const DiagnosisContext& context = {});

}  // namespace gradfuzz

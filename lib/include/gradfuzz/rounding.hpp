#pragma once
// How far rounding can move a correct implementation's gradients: a first-order running
// error bound. The forward pass is bounded first (how far the code's own Z<l>, A<l> may be
// from the exact ones: large logits in float32 move a softmax visibly), then backprop is run on
// absolute values, starting from the size of the terms the output delta is computed from
// (A<L>'s error, |A<L>| + |Y|, where A<L> - Y cancels for a good fit), so each entry's bound is
// the magnitude of what it sums, cancellations included. Multiplied by the
// code's machine epsilon (and a count of ulps) it is the absolute error a correct
// implementation may show; finite differences cannot tell anything smaller apart.

#include "gradfuzz/case.hpp"
#include "gradfuzz/convention.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

/// For every dW<l>, db<l> (in `convention`) and dZ<l>, dA<l> (per example): entry by entry,
/// the magnitude of the terms that make it up. Shapes as the gradients'. `unit` is what one
/// unit of the magnitudes is worth in the code under test (Tolerance: ulps * epsilon): a relu
/// input within unit * (its error bound) of 0 may lie on the other side in the code, so the
/// jump of its derivative enters the bound there. `underflow` is the code's smallest normal
/// number (smallest_normal): a value below it is stored with an absolute error of up to epsilon
/// times it, so an output delta A - Y of 1e-52 is 0 in float32, and every gradient built from it
/// may be off by that much times the sizes it multiplies.
Gradients rounding_magnitudes(const Case& c, Convention convention, double unit = 64 * 0x1p-52,
                              double underflow = 0x1p-1022);

/// The magnitude of the terms J is computed from, with the forward pass's rounding carried to
/// the loss: times the code's machine epsilon (and a count of ulps) it is how far a correct
/// forward pass in that precision may put its cost from the exact J.
double cost_rounding_magnitude(const Case& c);

}  // namespace gradfuzz

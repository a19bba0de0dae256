#pragma once
// The batched engine behind numeric_gradients: J at shifts of many entries of one quantity,
// computed together. Each (entry, shift) pair becomes extra columns of one wide matrix per
// layer, so the work downstream of the shifted entry runs as matrix products; only the layers
// the entry reaches are recomputed; blocks of pairs run on all cores.
//   - W<l>(i,j), b<l>(i): row i of Z<l> moves by delta A<l-1>(j,:) (or delta); then only row i
//     of A<l> changes, so Z<l+1> moves by the rank-1 update W<l+1>(:,i) (A<l>(i,:) - base).
//     In the last layer under an entrywise loss, J moves by row i's loss change alone.
//   - Z<l>(i,k), A<l>(i,k): only example k changes; one column is carried per pair and J moves
//     by that example's loss change.
// Every value equals CostProbe::cost (the entry-by-entry oracle) up to rounding: sums are
// taken in another order, never other terms.

#include <armadillo>
#include <span>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz::detail {

struct ShiftedCostsRequest {
  Quantity q;
  /// Shifts in steps: pair (e, s) evaluates J with entry e shifted by shifts[s] * step[e].
  std::span<const double> shifts;
  /// The step of each entry of q, column-major (all rows*cols entries of q are evaluated).
  std::span<const double> step;
};

/// crossed[p] for a pair whose kink crossings only rounding decides (an input exactly at 0 in
/// the base moved by a change that may cancel exactly): evaluate it with CostProbe instead.
inline constexpr std::size_t kEvaluateDirectly = static_cast<std::size_t>(-1);

/// Fills cost[e * S + s] and crossed[e * S + s] (S = shifts.size()) with J and the number of
/// relu/leaky_relu pre-activations on another side of 0 than in `base`, exactly as
/// CostProbe::cost(shifts[s] * step[e], &crossed) defines them, or crossed = kEvaluateDirectly
/// (and cost NaN) for a pair the caller must evaluate itself. `base` must be forward(c).
/// `threads` 0 uses every core when the work is large enough to pay for them.
void shifted_costs(const Case& c, const ForwardPass& base, const ShiftedCostsRequest& request,
                   std::span<double> cost, std::span<std::size_t> crossed, unsigned threads = 0);

}  // namespace gradfuzz::detail

#pragma once
// Where a formula applies: the layers l of an L-layer network at which every quantity it names
// exists, and the depth a network needs for that.

#include <string_view>
#include <vector>

#include "gradfuzz/formula/ast.hpp"

namespace gradfuzz::formula {

/// Deepest network a formula is checked on.
inline constexpr int kMaxDepth = 20;

/// Whether the formula names any layer with l or L (then it is checked on networks of
/// varying depth; otherwise on networks exactly as deep as it needs).
bool has_symbolic_layers(const Formula& f);

/// The values of l (0..L) at which every quantity and g the formula names exists in an L-layer
/// network, in increasing order; for a formula without l, {0} if they all exist, else nothing.
std::vector<int> applicable_layers(const Formula& f, int L);

/// The smallest L (1..kMaxDepth) at which the formula applies at some l: for literal layers,
/// the highest layer mentioned (one more for dA). Throws FormulaError if there is none.
int minimum_depth(const Formula& f);

/// Throws FormulaError, pointing at the first quantity that cannot exist, unless the formula
/// applies to an L-layer network (`option`, e.g. --layers or --depth, asked for that depth).
void require_depth(const Formula& f, int L, std::string_view option = "--layers");

}  // namespace gradfuzz::formula

#pragma once
// The fixed battery `gradfuzz selftest` checks the reference backprop on.

#include <vector>

#include "gradfuzz/recipe.hpp"
#include "gradfuzz/run_result.hpp"

namespace gradfuzz {

/// Recipes that between them cover every activation, every loss, lambda 0 and > 0, soft and
/// hard labels, batch size 1, a single-layer network, a deep narrow one and saturated units.
std::vector<CaseRecipe> selftest_battery();

/// Checks the reference backprop on every battery case with each scheme in `schemes`.
RunResult run_selftest(const std::vector<Scheme>& schemes);

}  // namespace gradfuzz

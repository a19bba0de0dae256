#pragma once
// `gradfuzz selftest`: the reference on a fixed battery and in a campaign, and a campaign
// hunting each mutant of the catalogue.

#include <vector>

#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/run_result.hpp"

namespace gradfuzz {

/// Recipes that between them cover every activation, every loss, lambda 0 and > 0, soft and
/// hard labels, batch size 1, a single-layer network, a deep narrow one and saturated units.
std::vector<CaseRecipe> selftest_battery();

struct SelftestOptions {
  /// Schemes the battery is checked with.
  std::vector<Scheme> schemes{Scheme::central, Scheme::complex_step};
  /// The campaign run on the reference and, focused on its domain, on each mutant.
  CampaignOptions campaign;
  bool mutants = true;  ///< hunt the mutants too
};

RunResult run_selftest(const SelftestOptions& options, const Progress& progress = {});

}  // namespace gradfuzz

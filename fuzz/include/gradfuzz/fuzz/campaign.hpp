#pragma once
// A campaign: draw cases, check each against a gradient source, stop at the first failure and
// shrink it to the smallest case that still fails. `fuzz` is also the C++ API.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/campaign_result.hpp"
#include "gradfuzz/check.hpp"
#include "gradfuzz/fuzz/generators.hpp"

namespace gradfuzz {

struct CampaignOptions {
  GeneratorOptions generate;
  std::size_t cases = 100;  ///< --cases: cases to draw (over all shards)
  std::uint64_t seed = 1;   ///< --seed: the same seed draws the same cases
  CheckOptions check;
  Shard shard;
  /// Shrinking stops after this many candidate checks (each is a full check of a small case).
  std::size_t max_shrink_checks = 2000;
};

/// Called after each case: (cases done, cases planned).
using Progress = std::function<void(std::size_t, std::size_t)>;

/// Narrows `options` to what `info` supports: activations (hidden and output apart), losses,
/// regularization, and the bounds of info.networks. A declared depth or output_units range
/// takes the place of the default ranges ([min_layers, max_layers], [1, max_width]) and narrows
/// a --depth or --output-units given; max_width, max_batch and hard labels narrow the options.
/// Throws std::invalid_argument when nothing is left to draw, saying which options clash.
GeneratorOptions supported_by(GeneratorOptions options, const SourceInfo& info);

/// What `info` declares about its networks, as reports show it: info.networks, with the
/// activations of version 1's list where it names fewer than all and nothing more specific.
NetworkBounds declared_bounds(const SourceInfo& info);

/// The recipe of case `index` (0-based) of a campaign with `seed`.
CaseRecipe draw_case(const GeneratorOptions& options, std::uint64_t seed, std::size_t index);

/// Runs the campaign. Throws std::invalid_argument for options that draw nothing. A
/// ProtocolError from the source ends the campaign with `misbehaviour` set, a stop request
/// (interruption.hpp) with `interrupted` set; either way every result gathered so far is kept.
CampaignResult fuzz(GradientSource& source, const CampaignOptions& options,
                    const Progress& progress = {});

}  // namespace gradfuzz

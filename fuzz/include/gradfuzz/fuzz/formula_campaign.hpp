#pragma once
// Checking one formula: its shapes in symbols first, then its values against finite differences
// in one campaign per hidden activation, so a formula that holds only for tanh layers says so.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/formula/ast.hpp"
#include "gradfuzz/formula/shapes.hpp"
#include "gradfuzz/fuzz/campaign.hpp"

namespace gradfuzz {

struct FormulaCheckOptions {
  /// The campaign run for each hidden activation. generate.hidden lists the activations results
  /// are given for (one campaign each); generate.layers / generate.activations pin the network
  /// (then there is one campaign). Depth: as many layers as the formula's highest literal layer,
  /// or from its minimum up to generate.max_layers when it names l or L. Unless generate.lambda
  /// is set, lambda is 0 for a formula that does not mention it and drawn for one that does.
  CampaignOptions campaign;
  /// What dW and db formulas are expected to give; dZ and dA pass in either convention.
  Convention convention = Convention::mean;
};

/// The campaign for one hidden activation.
struct HiddenResult {
  /// The hidden layers' activation; nothing when the networks have no hidden layer or the
  /// activations were pinned.
  std::optional<Activation> hidden;
  CampaignResult campaign;
  /// For a passing campaign, the convention each claimed quantity matched on its first case
  /// (mean: dJ/dq; sum: per example for dZ and dA, the summed loss for dW and db).
  std::map<Quantity, Convention> conventions;
  /// For a failing campaign whose smallest network reads as another bug than the network where
  /// the failure was found, that other reading. Shrinking keeps a case that still fails, not one
  /// that still tells bugs apart: on a 1-1-1 network with a dead relu unit, tanh's derivative
  /// (1 - A1²) is 1 and reads as no derivative at all. The failure's diagnosis is the one on
  /// the network where it was found (unless that one is unknown).
  std::optional<Diagnosis> smallest_reading;

  /// The failure's diagnosis; null for a passing campaign.
  const Diagnosis* diagnosis() const;
};

struct FormulaOutcome {
  formula::Formula formula;
  formula::ShapeExample example;  ///< the network the shapes are shown for
  formula::ShapeReport shapes;
  std::vector<HiddenResult> results;  ///< empty when the shapes cannot work

  bool passed() const;
  /// The diagnosis ids of the failing campaigns (the shape finding's when shapes cannot work).
  std::vector<std::string> diagnosis_ids() const;
  /// One line: "holds for every hidden activation (linear, sigmoid, ...)", "holds only for tanh
  /// layers", "fails for every hidden activation", "its shapes cannot work".
  std::string verdict() const;
};

/// The campaign options for `f`, before the split by hidden activation. Throws
/// formula::FormulaError when pinned layers cannot hold the formula (dz[3] with --layers 3,4,1).
CampaignOptions formula_campaign_options(const formula::Formula& f,
                                         const FormulaCheckOptions& options);

/// The network shapes are explained on: the pinned layers, else n0 = 3, hidden widths 4, 5, ...,
/// one output unit (two for ce), m = 5; l is the first layer where the formula applies.
formula::ShapeExample shape_example(const formula::Formula& f, const CampaignOptions& options);

/// Checks `f`: shapes first; if they work, a campaign per hidden activation. Throws
/// formula::FormulaError for layers the network cannot have, std::invalid_argument for
/// campaign options that draw nothing.
FormulaOutcome check_formula(const formula::Formula& f, const FormulaCheckOptions& options,
                             const Progress& progress = {});

}  // namespace gradfuzz

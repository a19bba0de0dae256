#pragma once
// What diagnose() concludes about a failing case.

#include <optional>
#include <string>
#include <vector>

namespace gradfuzz {

/// A case the diagnoser designed and asked the code under test about, to tell hypotheses
/// apart or confirm one (another m, soft labels, saturated outputs, equal widths, one-unit
/// layers, a fresh draw).
struct Probe {
  std::string kind;     ///< "batch", "soft_labels", "saturated", "square", "one_unit", "fresh"
  std::string purpose;  ///< why it was asked, in words
  std::string replay;   ///< the probe case (`gradfuzz replay`)
  std::string outcome;  ///< what the code's answer showed
  std::vector<std::string> consistent;    ///< hypotheses that reproduce the answer
  std::vector<std::string> contradicted;  ///< hypotheses it ruled out
};

struct Diagnosis {
  std::string id;       ///< a stable id from DESIGN.md (plus constant_factor, forward_cost)
  std::string message;  ///< what is wrong and what the right formula is, with numbers
  std::optional<std::string> mutant;  ///< the catalogue mutant the claimed gradients equal
  /// The layer, from the output back, where it starts; with intermediates, where the first
  /// quantity that disagrees walking back from the output is (the message then ends with
  /// "The disagreement starts in layer l: ...").
  std::optional<int> layer;
  /// Every bug named, the first being `id`: two for a two-slip hypothesis; empty for a
  /// diagnosis that is no hypothesis (adapter_error, non_finite, unknown, ...).
  std::vector<std::string> ids = {};
  /// The substitutions that reproduce the code's numbers (e.g.
  /// "sigmoid_derivative_in_Z_for_tanh@1", "leaky_slope=0.1"); empty when none was searched or none
  /// fits.
  std::string hypothesis = {};
  /// What the hypothesis explains: "the case first found, the shrunk case and 3 probes".
  std::string evidence = {};
  std::vector<Probe> probes = {};
};

}  // namespace gradfuzz

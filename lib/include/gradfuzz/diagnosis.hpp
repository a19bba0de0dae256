#pragma once
// What diagnose() concludes about a failing case.

#include <optional>
#include <string>

namespace gradfuzz {

struct Diagnosis {
  std::string id;       ///< a stable id from DESIGN.md (plus constant_factor, forward_cost)
  std::string message;  ///< what is wrong and what the right formula is, with numbers
  std::optional<std::string> mutant;  ///< the catalogue mutant the claimed gradients equal
  /// The layer, from the output back, where it starts; with intermediates, where the first
  /// quantity that disagrees walking back from the output is (the message then ends with
  /// "The disagreement starts in layer l: ...").
  std::optional<int> layer;
};

}  // namespace gradfuzz

#pragma once
// What diagnose() concludes about a failing case.

#include <optional>
#include <string>

namespace gradfuzz {

struct Diagnosis {
  std::string id;                     ///< a stable id from DESIGN.md (plus constant_factor)
  std::string message;                ///< what is wrong and what the right formula is, with numbers
  std::optional<std::string> mutant;  ///< the catalogue mutant the claimed gradients equal
  std::optional<int> layer;           ///< the layer, from the output back, where it starts
};

}  // namespace gradfuzz

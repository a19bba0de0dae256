#pragma once
// The mutant catalogue: the reference backprop with one real bug each. It is both the
// self-test (every mutant must be caught) and the diagnosis engine (a claimed gradient equal
// to a mutant's on the failing case is that bug).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gradfuzz/gradient_source.hpp"

namespace gradfuzz {

/// The networks on which a mutant differs from the reference; a campaign that hunts the mutant
/// draws from here. Empty lists mean "any".
struct MutantDomain {
  int min_layers = 1;
  std::vector<Activation> hidden;
  std::vector<Activation> output;
  std::vector<Loss> losses;
  bool needs_lambda = false;  ///< lambda > 0
  arma::uword min_batch = 1;
  bool square = false;  ///< every layer the same width (the bug only type-checks then)
  std::vector<double> leaky_slopes;
  bool soft_labels = false;  ///< labels in (0, 1) (the bug is right for hard ones)
  bool saturated = false;    ///< large weights, outputs within 1e-7 of 0 or 1
};

struct MutantInfo {
  std::string name;         ///< e.g. "no_inv_m"; `gradfuzz check --builtin NAME`
  std::string diagnosis;    ///< the diagnosis id it must get (DESIGN.md)
  std::string description;  ///< the bug in the course's notation
  MutantDomain domain;
};

/// Every mutant, in a fixed order.
const std::vector<MutantInfo>& mutant_catalogue();
/// The catalogue entry named `name`, or nullptr.
const MutantInfo* find_mutant(std::string_view name);
/// The mutant as a gradient source (its info().name is the mutant's name); throws
/// std::invalid_argument for an unknown name, listing the known ones.
std::unique_ptr<GradientSource> make_mutant(std::string_view name,
                                            Convention convention = Convention::mean);
/// "reference" or a mutant's name; throws std::invalid_argument for anything else.
std::unique_ptr<GradientSource> make_builtin(std::string_view name,
                                             Convention convention = Convention::mean);

}  // namespace gradfuzz

#pragma once
// What a source says about the networks it handles beyond its activations, losses and L2
// (docs/PROTOCOL.md, version 1.1 of hello): the activations of hidden and output layers apart,
// one activation for every hidden layer, the depth, the output units, the widest layer, the
// largest batch, hard labels only. A campaign draws only inside these bounds (supported_by,
// fuzz/campaign.hpp); everything left unset allows what version 1 allowed.

#include <armadillo>
#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/case.hpp"

namespace gradfuzz {

/// The whole numbers from min to max, both included (exact: min == max).
struct Range {
  arma::uword min = 1;
  arma::uword max = 1;

  bool contains(arma::uword x) const { return min <= x && x <= max; }
  bool operator==(const Range&) const = default;
};

/// "3" for an exact range, "2 to 4" otherwise.
std::string to_string(const Range& r);
/// Both ranges' common part, or nothing when they do not meet.
std::optional<Range> intersect(const Range& a, const Range& b);

struct NetworkBounds {
  /// What hidden layers may use; unset: SourceInfo::activations.
  std::optional<std::vector<Activation>> hidden_activations;
  /// What the output layer may use; unset: SourceInfo::activations.
  std::optional<std::vector<Activation>> output_activations;
  /// Every hidden layer of a network uses one activation (scikit-learn's MLP).
  bool same_hidden_activation = false;
  /// L, the number of layers with parameters.
  std::optional<Range> depth;
  /// nL, the output layer's width (1 for a binary head).
  std::optional<Range> output_units;
  /// Upper bound of every width n0..nL.
  std::optional<arma::uword> max_width;
  /// Upper bound of the batch size m.
  std::optional<arma::uword> max_batch;
  /// Labels are hard only: bce's 0 or 1, ce's one-hot columns (PROTOCOL.md's labels: "hard").
  bool hard_labels = false;

  /// Nothing is declared: version 1's bounds.
  bool empty() const;
  bool operator==(const NetworkBounds&) const = default;
};

/// Why `c` lies outside `bounds` and `activations` (the source's activations where the bounds
/// name none), e.g. "its depth 2 is not the declared 3"; nothing when it lies inside.
std::optional<std::string> outside(const NetworkBounds& bounds,
                                   const std::vector<Activation>& activations, const Case& c);

}  // namespace gradfuzz

#pragma once
// A hypothesis about how the code under test computes its gradients: the reference backprop
// with one or two of its steps replaced by what people write instead (catalogue mutants and
// fitted families, lib/src/mutants/), each at every layer or at one.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../mutants/mutant.hpp"

namespace gradfuzz::detail {

struct Substitution {
  Substitution(std::shared_ptr<const Mutant> v, std::string n, std::string id, std::string words,
               std::optional<int> at = std::nullopt, std::optional<double> value = std::nullopt)
      : variant(std::move(v)),
        name(std::move(n)),
        diagnosis(std::move(id)),
        description(std::move(words)),
        layer(at),
        parameter(value) {}
  std::shared_ptr<const Mutant> variant;
  std::string name;       ///< the catalogue name, or "family=value" for a fitted one
  std::string diagnosis;  ///< its id
  std::string description;
  std::optional<int> layer;         ///< replaced only at this layer's steps (dZ[L]'s is layer L)
  std::optional<double> parameter;  ///< the fitted value, for a family
  /// A factor read as sign * m^power_of_m (a scale family's reading).
  std::optional<int> power_of_m;
  double sign = 1;
  /// Further ids the part names (a factor -m: the sign too).
  std::vector<std::string> also = {};
  std::string label() const;  ///< name, and "@l" for one layer
};

/// Substitution::layer for a part in every hidden layer but not the output layer.
inline constexpr int every_hidden_layer = -1;

class Hypothesis final : public ReferenceBackprop {
 public:
  Hypothesis(std::vector<Substitution> parts, Convention convention);
  const std::vector<Substitution>& parts() const { return parts_; }
  std::string label() const;  ///< the parts' labels joined by " + "

  unsigned replaced_steps() const override;
  arma::mat output_delta(const Pass& p) const override;
  arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const override;
  arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const override;
  arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const override;
  arma::mat regularization_gradient(const Pass& p, int l) const override;
  arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const override;

 private:
  /// The part that replaces `step` at layer `l`, or nullptr (the reference's step).
  const ReferenceBackprop* at(Step step, int l, int depth) const;
  std::vector<Substitution> parts_;
};

/// Whether two parts can be combined: they replace different steps, or the same steps at
/// different single layers.
bool combinable(const Substitution& a, const Substitution& b);

}  // namespace gradfuzz::detail

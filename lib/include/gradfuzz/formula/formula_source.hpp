#pragma once
// A set of user formulas as a GradientSource: it claims the quantities on the formulas' left
// sides (at every layer where a formula with l applies) and nothing else, so check_case checks
// exactly those, on the same path as every other source.

#include <vector>

#include "gradfuzz/formula/ast.hpp"
#include "gradfuzz/gradient_source.hpp"

namespace gradfuzz::formula {

class FormulaSource final : public GradientSource {
 public:
  /// `convention` is what dW and db formulas are expected to give (mean: dJ/dW, with 1/m; sum:
  /// the gradient of the summed loss). dZ and dA pass per example or as dJ/dZ.
  explicit FormulaSource(std::vector<Formula> formulas, Convention convention = Convention::mean);

  /// name: the formulas, "; "-separated; partial, intermediates in either convention.
  SourceInfo info() const override;
  /// Each formula evaluated at every l where it applies to `c` (formulas that do not apply to
  /// this network claim nothing; the first formula claiming a quantity wins). Throws
  /// SourceError when a formula's shapes do not work on this network or it has no value here
  /// (EvaluationError), with the explanation.
  Gradients gradients(const Case& c) override;

  const std::vector<Formula>& formulas() const { return formulas_; }

 private:
  std::vector<Formula> formulas_;
  Convention convention_;
};

}  // namespace gradfuzz::formula

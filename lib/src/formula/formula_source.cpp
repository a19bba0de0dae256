#include "gradfuzz/formula/formula_source.hpp"

#include "gradfuzz/formula/evaluate.hpp"
#include "gradfuzz/formula/layers.hpp"
#include "gradfuzz/formula/shapes.hpp"
#include "gradfuzz/reference_backprop.hpp"

namespace gradfuzz::formula {

FormulaSource::FormulaSource(std::vector<Formula> formulas, Convention convention)
    : formulas_(std::move(formulas)), convention_(convention) {}

SourceInfo FormulaSource::info() const {
  SourceInfo info;
  info.name.clear();
  for (const Formula& f : formulas_) info.name += (info.name.empty() ? "" : "; ") + f.text;
  if (formulas_.empty()) info.name = "no formula";
  info.convention = convention_;
  info.intermediates = true;
  info.partial = true;
  info.intermediates_either_convention = true;
  return info;
}

Gradients FormulaSource::gradients(const Case& c) {
  const ForwardPass pass = forward(c);
  const Gradients reference = ReferenceBackprop(convention_).gradients(c);
  const int L = c.depth();
  Gradients out;
  for (const Formula& f : formulas_) {
    const std::vector<int> layers = applicable_layers(f, L);
    if (layers.empty()) continue;
    const ShapeReport shapes = check_shapes(f, {c.spec.sizes, c.m(), layers.front()});
    if (shapes.finding) throw SourceError(f.text + ": " + shapes.finding->message);
    for (int l : layers) {
      const Quantity q = f.target.at(l, L);
      if (out.contains(q)) continue;
      try {
        out[q] = evaluate(f, {c, pass, reference, l});
      } catch (const EvaluationError& e) {
        throw SourceError(f.text + ": " + e.what());
      }
    }
  }
  return out;
}

}  // namespace gradfuzz::formula

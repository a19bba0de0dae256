// libFuzzer entry point for the formula language. Any bytes must either parse or raise a
// FormulaError; what parses must go through layer ranges, symbolic shapes (with the search for a
// fix when they fail) and evaluation on a small network without anything else escaping: no crash,
// no sanitizer report, no other exception.
//
// Built only with -DGRADFUZZ_BUILD_FUZZERS=ON and clang (see fuzz/CMakeLists.txt):
//   build-fuzz/fuzz/formula_parser_fuzz fuzz/corpus/formula -max_total_time=600

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gradfuzz/formula/formula_source.hpp"
#include "gradfuzz/formula/layers.hpp"
#include "gradfuzz/formula/parser.hpp"
#include "gradfuzz/formula/shapes.hpp"
#include "gradfuzz/recipe.hpp"

namespace {

using namespace gradfuzz;

// A small network of `depth` layers whose widths differ, as the shape messages assume.
CaseRecipe network(int depth, bool uses_lambda) {
  CaseRecipe r;
  for (int k = 0; k <= depth; ++k) r.spec.sizes.push_back(static_cast<arma::uword>(2 + k % 3));
  r.spec.sizes.back() = 1;
  r.spec.activations.assign(static_cast<std::size_t>(depth - 1), Activation::tanh);
  r.spec.activations.push_back(Activation::sigmoid);
  r.spec.lambda = uses_lambda ? 0.5 : 0;
  r.batch = 3;
  r.seed = 1;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  formula::Formula f;
  try {
    f = formula::parse(text);
  } catch (const formula::FormulaError& e) {
    (void)e.display();  // the caret picture must be drawable for any place in any text
    return 0;
  }
  int depth = 0;
  try {
    depth = formula::minimum_depth(f);
  } catch (const formula::FormulaError& e) {
    (void)e.display();
    return 0;
  }
  if (depth > 5) return 0;  // keeps each input fast; the layers themselves are checked above
  const CaseRecipe recipe = network(depth, f.uses_lambda);
  const std::vector<int> layers = formula::applicable_layers(f, depth);
  const formula::ShapeReport shapes =
      formula::check_shapes(f, {recipe.spec.sizes, recipe.batch, layers.front()});
  if (shapes.finding) return 0;
  formula::FormulaSource source({f});
  try {
    const Gradients claimed = source.gradients(make_case(recipe));
    for (const auto& [q, value] : claimed) (void)value.n_elem;
  } catch (const SourceError&) {
    // A value the formula cannot have here (a softmax derivative): a finding, not a crash.
  }
  return 0;
}

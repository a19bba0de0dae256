// libFuzzer entry point for replay strings ('v1;sizes=...'), which users paste from reports and
// results files carry: any bytes must either parse or raise std::invalid_argument. What parses
// must round-trip through its text form exactly, and making its case must either work or raise
// SpecError, before anything is allocated for sizes that cannot be (4294967296 x 4294967296
// once overflowed rows * cols). No crash, no sanitizer report.
//
// Built only with -DGRADFUZZ_BUILD_FUZZERS=ON and clang (see fuzz/CMakeLists.txt):
//   build-fuzz/fuzz/replay_string_fuzz fuzz/corpus/replay_string -dict=fuzz/replay_string.dict

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "gradfuzz/case_size.hpp"
#include "gradfuzz/recipe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gradfuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CaseRecipe recipe;
  try {
    recipe = parse_recipe(text);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (!(parse_recipe(to_string(recipe)) == recipe)) std::abort();
  // Sizes that pass check_size may still be too large to draw here; the CLI refuses them by
  // --max-memory. Make only what a fuzzer can afford.
  if (case_size(recipe.spec, static_cast<double>(recipe.batch)).bytes > 64e6) {
    try {
      check_size(recipe.spec, recipe.batch);
    } catch (const SpecError&) {
    }
    return 0;
  }
  try {
    const Case c = make_case(recipe);
    if (c.replay != to_string(recipe)) std::abort();
  } catch (const SpecError&) {
  }
  return 0;
}

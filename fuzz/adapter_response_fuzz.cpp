// libFuzzer entry point for what an adapter may send back (docs/PROTOCOL.md). Any bytes, taken as
// one response line to hello, gradients or cost, must either be read or raise the protocol's own
// errors: ResponseError for a line that breaks the protocol, SourceError for an adapter's error
// reply, Unsupported for its unsupported reply. No crash, no sanitizer report, no other
// exception. What is read must name only
// quantities the network has.
//
// Built only with -DGRADFUZZ_BUILD_FUZZERS=ON and clang (see fuzz/CMakeLists.txt):
//   build-fuzz/fuzz/adapter_response_fuzz fuzz/corpus/adapter_response -max_total_time=600

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapter/protocol.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"

namespace {

using namespace gradfuzz;

// A 3-2-1 network, batch 2: every quantity a response can name (dW1..db2, dZ1, dZ2, dA0, dA1).
const Case& network() {
  static const Case c = [] {
    CaseRecipe r;
    r.spec.sizes = {3, 2, 1};
    r.spec.activations = {Activation::tanh, Activation::sigmoid};
    r.batch = 2;
    r.seed = 1;
    return make_case(r);
  }();
  return c;
}

// What was read must name only quantities the network has (a response's extra keys are ignored),
// and a quantity written as a 1-D array or a single number is held as the 1 x k row it was.
// Shapes are not the reader's business: a wrong shape is a finding the comparison reports.
void require_consistent(const Claim& claim, const Case& c) {
  for (const auto& [q, value] : claim.gradients) {
    if (!has_quantity(c, q)) std::abort();
    const auto written = claim.written_shapes.find(q);
    if (written != claim.written_shapes.end() &&
        (value.n_rows != 1 || value.n_cols != written->second.cols))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  nlohmann::json response;
  try {
    response = detail::parse_response(line);
  } catch (const detail::ResponseError& e) {
    (void)std::string_view(e.what()).size();
    return 0;
  }
  try {
    (void)detail::read_hello(response);
  } catch (const detail::ResponseError&) {
  }
  try {
    (void)detail::read_cost(response, 7);
  } catch (const detail::ResponseError&) {
  } catch (const SourceError&) {
  } catch (const Unsupported&) {
  }
  for (const bool intermediates : {false, true}) {
    try {
      require_consistent(detail::read_gradients(response, network(), 7, intermediates), network());
    } catch (const detail::ResponseError&) {
    } catch (const SourceError&) {
    } catch (const Unsupported&) {
    }
  }
  return 0;
}

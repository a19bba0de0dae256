// libFuzzer entry point for the hello an adapter answers first (PROTOCOL.md): any bytes, taken
// as that line, must either be read or raise ResponseError. What is read must narrow the
// campaign's options to something drawable or raise std::invalid_argument, and what can be
// drawn must be a case the hello allows. No crash (a 70,000-deep reply once overflowed the
// stack), no sanitizer report, no other exception.
//
// Built only with -DGRADFUZZ_BUILD_FUZZERS=ON and clang (see fuzz/CMakeLists.txt):
//   build-fuzz/fuzz/hello_reader_fuzz fuzz/corpus/hello -dict=fuzz/adapter_response.dict

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "adapter/protocol.hpp"
#include "gradfuzz/fuzz/campaign.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gradfuzz;
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  detail::Hello hello;
  try {
    hello = detail::read_hello(detail::parse_response(line));
  } catch (const detail::ResponseError&) {
    return 0;
  }
  GeneratorOptions options;
  try {
    options = supported_by(options, hello.info);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const CaseRecipe r = draw_case(options, 1, 0);
  const auto& allowed = hello.info.activations;
  for (Activation a : r.spec.activations)
    if (std::find(allowed.begin(), allowed.end(), a) == allowed.end()) std::abort();
  if (std::find(hello.info.losses.begin(), hello.info.losses.end(), r.spec.loss) ==
      hello.info.losses.end())
    std::abort();
  if (!hello.info.regularization && r.spec.lambda != 0) std::abort();
  return 0;
}

#include "source_options.hpp"

#include <cmath>
#include <cstdio>

#include "gradfuzz/detail/shell_words.hpp"
#include "gradfuzz/mutants.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

void add_source_options(po::options_description& d, SourceArgs& a) {
  d.add_options()("builtin", po::value(&a.builtin),
                  "a built-in source: 'reference' (gradfuzz's own backprop) or a mutant of it "
                  "with one known bug ('gradfuzz selftest --list-mutants' lists them)")(
      "adapter", po::value(&a.adapter),
      "your code: a command run through /bin/sh that answers gradfuzz's requests on "
      "stdin/stdout (the adapter protocol; adapters/python/gradfuzz_adapter.py does it for "
      "Python), e.g. '/usr/bin/python3 my_adapter.py'")(
      "timeout", po::value(&a.timeout)->default_value(a.timeout),
      "seconds the adapter may take for each request, its start (hello) included")(
      "max-response", po::value(&a.max_response)->default_value(a.max_response),
      "longest response line accepted from the adapter, in bytes")(
      "numeric-from", po::value(&a.numeric_from)->default_value(a.numeric_from),
      "whose cost J the finite differences are taken of: 'reference' (gradfuzz's own forward "
      "pass, exact to double rounding) or 'adapter' (the adapter's cost, one 'cost' request per "
      "stencil point, so a J your code defines differently shows up as such; needs \"cost\": "
      "true in its hello, e.g. serve(gradients, cost=cost_fn) in Python; steps and rounding "
      "follow its dtype; parameters only: intermediates cannot be shifted through the protocol "
      "and stay checked against the reference; not with --scheme complex-step). Either way a "
      "cost the adapter sends is checked against gradfuzz's forward pass");
}

void validate(const SourceArgs& a) {
  if (a.builtin.empty() && a.adapter.empty())
    throw UsageError("name the code to check: --adapter CMD or --builtin NAME");
  if (!a.builtin.empty() && !a.adapter.empty())
    throw UsageError("give either --adapter or --builtin, not both");
  if (!(a.timeout > 0) || !std::isfinite(a.timeout) || a.timeout > 1e6)
    throw UsageError("--timeout must be a number of seconds > 0");
  if (a.max_response < 1) throw UsageError("--max-response must be at least 1 byte");
  if (a.numeric_from != "reference" && a.numeric_from != "adapter")
    throw UsageError("--numeric-from " + a.numeric_from + ": expected reference or adapter");
  if (a.numeric_from == "adapter" && a.adapter.empty())
    throw UsageError(
        "--numeric-from adapter takes finite differences of an adapter's cost: "
        "give --adapter CMD");
}

NumericFrom numeric_from(const SourceArgs& a, const GradientSource& source, Scheme scheme) {
  if (a.numeric_from != "adapter") return NumericFrom::reference;
  if (!source.info().cost)
    throw UsageError(
        "--numeric-from adapter needs an adapter that answers cost requests, but "
        "the hello of '" +
        a.adapter +
        "' did not say so: add \"cost\": true to its hello response and answer "
        "{\"op\": \"cost\", ...} with {\"id\": ..., \"cost\": J} (with the "
        "Python helper: serve(gradients, cost=cost_fn, ...))");
  if (scheme == Scheme::complex_step)
    throw UsageError(
        "--numeric-from adapter cannot use --scheme complex-step (it needs J at "
        "complex points); use central, forward or five-point");
  return NumericFrom::source;
}

std::unique_ptr<GradientSource> make_source(const SourceArgs& a) {
  if (a.adapter.empty()) {
    try {
      return make_builtin(a.builtin);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--builtin: ") + e.what());
    }
  }
  AdapterOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(a.timeout * 1000)));
  options.max_response = a.max_response;
  return std::make_unique<AdapterSource>(a.adapter, options);
}

std::string source_words(const SourceArgs& a) {
  if (a.adapter.empty()) return "--builtin " + a.builtin;
  std::string words = "--adapter " + detail::shell_quote(a.adapter);
  const SourceArgs defaults;
  if (a.timeout != defaults.timeout) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", a.timeout);
    words += std::string(" --timeout ") + buffer;
  }
  if (a.max_response != defaults.max_response)
    words += " --max-response " + std::to_string(a.max_response);
  if (a.numeric_from != defaults.numeric_from) words += " --numeric-from " + a.numeric_from;
  return words;
}

}  // namespace gradfuzz::cli

#include "source_options.hpp"

#include <cmath>
#include <cstdio>

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
      "longest response line accepted from the adapter, in bytes");
}

void validate(const SourceArgs& a) {
  if (a.builtin.empty() && a.adapter.empty())
    throw UsageError("name the code to check: --adapter CMD or --builtin NAME");
  if (!a.builtin.empty() && !a.adapter.empty())
    throw UsageError("give either --adapter or --builtin, not both");
  if (!(a.timeout > 0) || !std::isfinite(a.timeout) || a.timeout > 1e6)
    throw UsageError("--timeout must be a number of seconds > 0");
  if (a.max_response < 1) throw UsageError("--max-response must be at least 1 byte");
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
  std::string words = "--adapter " + shell_quote(a.adapter);
  const SourceArgs defaults;
  if (a.timeout != defaults.timeout) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", a.timeout);
    words += std::string(" --timeout ") + buffer;
  }
  if (a.max_response != defaults.max_response)
    words += " --max-response " + std::to_string(a.max_response);
  return words;
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'')
      out += "'\\''";
    else
      out += ch;
  }
  return out + "'";
}

}  // namespace gradfuzz::cli

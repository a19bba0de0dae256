#include "gradfuzz/reports/json_reporter.hpp"

#include "json_codec.hpp"

namespace gradfuzz {

void JsonReporter::report(const RunResult& run) {
  out_ << detail::to_json(run).dump(2) << '\n';
}

}  // namespace gradfuzz

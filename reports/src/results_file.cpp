#include "gradfuzz/reports/results_file.hpp"

#include <stdexcept>

#include "json_codec.hpp"

namespace gradfuzz {

RunResult read_results(std::istream& in, const std::string& name) {
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::ordered_json::parse_error& e) {
    throw std::invalid_argument(name + ": not JSON (" + e.what() + ")");
  }
  try {
    return detail::run_from_json(document);
  } catch (const nlohmann::ordered_json::exception& e) {
    throw std::invalid_argument(name + ": not gradfuzz results (" + e.what() + ")");
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(name + ": " + e.what());
  }
}

RunResult merge_results(const std::vector<RunResult>& runs) {
  RunResult out;
  out.command = "merge";
  if (runs.empty()) return out;
  out.seed = runs.front().seed;
  out.source_args = runs.front().source_args;
  for (const RunResult& r : runs) {
    out.cases.insert(out.cases.end(), r.cases.begin(), r.cases.end());
    out.campaigns.insert(out.campaigns.end(), r.campaigns.begin(), r.campaigns.end());
    out.mutants.insert(out.mutants.end(), r.mutants.begin(), r.mutants.end());
  }
  return out;
}

}  // namespace gradfuzz

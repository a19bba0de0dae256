#include "gradfuzz/reports/results_file.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <stdexcept>

#include "gradfuzz/detail/json_depth.hpp"
#include "json_codec.hpp"

namespace gradfuzz {
namespace {

// gradfuzz's own results nest about 8 levels (a matrix in a check in a case in a failure in a
// campaign in a mutant); far more is not a results file.
constexpr std::size_t kMaxResultsNesting = 64;

}  // namespace

RunResult read_results(std::istream& in, const std::string& name) {
  std::string text;
  try {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {  // a folder: libstdc++ throws from basic_filebuf::underflow
    throw std::invalid_argument(name + ": cannot be read (is it a folder?)");
  }
  if (in.bad()) throw std::invalid_argument(name + ": cannot be read");
  // Reading (and the messages) recurse once per level: a deep text is refused before parsing.
  if (detail::json_nesting(text, kMaxResultsNesting) > kMaxResultsNesting)
    throw std::invalid_argument(name + ": not gradfuzz results (nested more than " +
                                std::to_string(kMaxResultsNesting) + " levels deep)");
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(text);
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

RunResult merge_results(const std::vector<RunResult>& runs, const std::vector<std::string>& names,
                        bool allow_partial) {
  if (runs.empty()) throw std::invalid_argument("nothing to merge");
  auto name = [&](std::size_t k) {
    return k < names.size() ? names[k] : "results " + std::to_string(k + 1);
  };
  const RunResult& first = runs.front();
  std::size_t count = 0;
  // The --cases C every shard's cases_planned agrees with: shard K/N plans ceil((C - K + 1)/N)
  // cases, so each narrows C to a range.
  std::size_t cases_low = 0, cases_high = static_cast<std::size_t>(-1);
  std::map<std::size_t, std::size_t> seen;  // K - 1 -> the run that holds it
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const RunResult& r = runs[k];
    auto differs = [&](const std::string& what, const std::string& mine,
                       const std::string& theirs) {
      throw std::invalid_argument(name(k) + " is not a shard of the campaign of " + name(0) +
                                  ": its " + what + " is " + mine + ", not " + theirs);
    };
    if (r.command != first.command) differs("command", r.command, first.command);
    if (r.seed != first.seed) differs("seed", std::to_string(r.seed), std::to_string(first.seed));
    if (r.source_args != first.source_args)
      differs("source", "'" + r.source_args + "'", "'" + first.source_args + "'");
    if (r.campaigns.empty() || !r.mutants.empty())
      throw std::invalid_argument(
          name(k) + " is a '" + r.command +
          "' run, not a campaign's shard (--shard K/N of check or formula)");
    const Shard shard = r.campaigns.front().shard;
    for (const CampaignResult& c : r.campaigns)
      if (c.shard.index != shard.index || c.shard.count != shard.count ||
          c.cases_planned != r.campaigns.front().cases_planned)
        throw std::invalid_argument(name(k) + " holds campaigns of different shards");
    if (count == 0) count = shard.count;
    if (shard.count != count)
      differs("shard", std::to_string(shard.index + 1) + "/" + std::to_string(shard.count),
              "K/" + std::to_string(count));
    if (const auto twice = seen.find(shard.index); twice != seen.end())
      throw std::invalid_argument(name(k) + " and " + name(twice->second) + " are both shard " +
                                  std::to_string(shard.index + 1) + "/" + std::to_string(count));
    seen[shard.index] = k;
    const std::size_t planned = r.campaigns.front().cases_planned;
    const std::size_t low = planned == 0 ? 0 : shard.index + (planned - 1) * count + 1;
    const std::size_t high = shard.index + planned * count;
    cases_low = std::max(cases_low, low);
    cases_high = std::min(cases_high, high);
    if (cases_low > cases_high)
      throw std::invalid_argument(name(k) + " is not a shard of the campaign of " + name(0) +
                                  ": its " + std::to_string(planned) +
                                  " planned cases do not split the same --cases");
  }
  RunResult out;
  out.command = "merge";
  out.seed = first.seed;
  out.source_args = first.source_args;
  out.shards = count;
  for (std::size_t index = 0; index < count; ++index)
    if (!seen.contains(index)) out.missing_shards.push_back(index + 1);
  if (!out.missing_shards.empty() && !allow_partial) {
    std::string missing;
    for (std::size_t k : out.missing_shards)
      missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(count);
    throw std::invalid_argument(
        "shard" + std::string(out.missing_shards.size() > 1 ? "s " : " ") + missing + " missing (" +
        std::to_string(seen.size()) + " of " + std::to_string(count) +
        " given); merge them all, or --allow-partial to merge what is here");
  }
  for (const auto& [index, k] : seen)  // in shard order
    for (const CampaignResult& c : runs[k].campaigns) out.campaigns.push_back(c);
  out.cases = first.cases;  // formula's shape results, the same in every shard
  return out;
}

}  // namespace gradfuzz

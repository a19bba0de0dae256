#pragma once
// Reading results back: `gradfuzz report` re-renders and merges saved JSON results.

#include <istream>
#include <string>
#include <vector>

#include "gradfuzz/run_result.hpp"

namespace gradfuzz {

/// Reads what JsonReporter wrote. Throws std::invalid_argument saying what is wrong, prefixed
/// with `name` (the file's name, for the message).
RunResult read_results(std::istream& in, const std::string& name);

/// One run holding every case, campaign and mutant of `runs` (e.g. the shards of a campaign
/// split over CI jobs). The command is "merge"; the seed is the first run's.
RunResult merge_results(const std::vector<RunResult>& runs);

}  // namespace gradfuzz

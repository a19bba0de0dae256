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

/// One run holding every campaign of `runs`, the --shard K/N runs of one campaign (CI jobs).
/// The command is "merge". Throws std::invalid_argument saying exactly what is wrong unless
/// the runs are the shards of one campaign, each once: the same command, seed, source and
/// --cases, each run's campaigns all of one shard K/N, the same N, no K twice, and (unless
/// `allow_partial`) every K from 1 to N. With `allow_partial` the missing K are listed in
/// missing_shards. `names` (one per run, for the messages) may be empty.
RunResult merge_results(const std::vector<RunResult>& runs,
                        const std::vector<std::string>& names = {}, bool allow_partial = false);

}  // namespace gradfuzz

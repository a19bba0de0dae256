#pragma once
// Small text helpers every reporter shares: numbers, cases and the replay command in one form.

#include <string>

#include "gradfuzz/run_result.hpp"

namespace gradfuzz::detail {

/// printf-style formatting of one number ("%.3g" and the like).
std::string format(const char* pattern, double value);
/// "3-4-1 tanh,sigmoid bce, m=5"
std::string describe(const Case& c);
/// "gradfuzz replay '<replay>' --builtin NAME" (the run's source options).
std::string replay_command(const RunResult& run, const Case& c);
/// The verdict line every reporter starts with.
std::string verdict(const RunResult& run);
/// "(row,col)"
std::string entry_name(const EntryError& e);

}  // namespace gradfuzz::detail

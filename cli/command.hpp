#pragma once
// A subcommand of the gradfuzz CLI: parses its own options and returns the exit status.

#include <ostream>
#include <string>
#include <vector>

namespace gradfuzz::cli {

/// Exit statuses of DESIGN.md; only the CLI decides them.
enum ExitStatus : int {
  kPassed = 0,       ///< every check passed
  kDiscrepancy = 1,  ///< a gradient is wrong (or a formula's shapes cannot work)
  kBadInput = 2,     ///< bad usage or bad input
  kMisbehaved = 3,   ///< the code under test crashed, hung or broke the protocol
};

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args, Streams io);
};

int selftest_command(const std::vector<std::string>& args, Streams io);
int check_command(const std::vector<std::string>& args, Streams io);
int replay_command(const std::vector<std::string>& args, Streams io);
int formula_command(const std::vector<std::string>& args, Streams io);
int explain_command(const std::vector<std::string>& args, Streams io);
int report_command(const std::vector<std::string>& args, Streams io);

}  // namespace gradfuzz::cli

#pragma once
// Running the gradfuzz command as a CI script does, for the checks of checks/cli/.

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "../lib/adapter_test_support.hpp"

namespace gradfuzz::checks {

struct CliRun {
  int status = -1;
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

// Runs `gradfuzz ARGS` (ARGS as shell words).
inline CliRun gradfuzz(const std::string& args) {
  TempFile out, err;
  const std::string command = std::string(GRADFUZZ_CLI) + " " + args + " >" + out.path() + " 2>" +
                              err.path() + " </dev/null";
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out.path()), slurp(err.path())};
}

inline std::string shown(const CliRun& r) {
  return "status " + std::to_string(r.status) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

}  // namespace gradfuzz::checks

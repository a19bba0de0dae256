// gradfuzz: checks backpropagation against finite differences and names the bug.
// Thin: picks the subcommand, which parses its options and calls the library.

#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "blas_threads.hpp"
#include "command.hpp"
#include "gradfuzz/version.hpp"

namespace {

using gradfuzz::cli::Command;

constexpr Command kCommands[] = {
    {"check", "fuzz a gradient source: random networks, finite differences, a diagnosis",
     gradfuzz::cli::check_command},
    {"explain", "derive a gradient with the chain rule, step by step, each step checked",
     gradfuzz::cli::explain_command},
    {"formula", "check a backprop formula: shapes first, then values on random networks",
     gradfuzz::cli::formula_command},
    {"replay", "re-run exactly one case from a report's replay string",
     gradfuzz::cli::replay_command},
    {"report", "re-render saved JSON results as HTML, JUnit or Markdown, or merge shards",
     gradfuzz::cli::report_command},
    {"selftest", "check gradfuzz itself: the reference backprop and every known mutant",
     gradfuzz::cli::selftest_command},
};

void usage(std::ostream& out) {
  out << "usage: gradfuzz <command> [options]\n\n"
         "gradfuzz checks backpropagation: it computes what finite differences say the\n"
         "gradients of a network must be and compares them with what the code claims.\n\n"
         "commands:\n";
  for (const Command& c : kCommands) {
    std::string name = c.name;
    name.resize(12, ' ');
    out << "  " << name << c.summary << '\n';
  }
  out << "\n'gradfuzz <command> --help' explains a command and its options.\n"
         "exit status: 0 passed, 1 a discrepancy was found, 2 bad usage or input,\n"
         "             3 the code under test misbehaved.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  gradfuzz::cli::Streams io{std::cout, std::cerr};
  if (args.empty()) {
    usage(std::cerr);
    return gradfuzz::cli::kBadInput;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage(std::cout);
    return gradfuzz::cli::kPassed;
  }
  if (args[0] == "--version") {
    std::cout << "gradfuzz " << gradfuzz::kVersion << '\n';
    return gradfuzz::cli::kPassed;
  }
  gradfuzz::cli::keep_blas_single_threaded();
  for (const Command& c : kCommands) {
    if (args[0] != c.name) continue;
    try {
      return c.run(std::vector<std::string>(args.begin() + 1, args.end()), io);
    } catch (const std::exception& e) {
      // Commands report what they expect; anything else still ends cleanly, never a crash.
      std::cerr << "gradfuzz " << c.name << ": internal error: " << e.what() << '\n';
      return gradfuzz::cli::kBadInput;
    }
  }
  std::cerr << "gradfuzz: unknown command '" << args[0] << "'\n\n";
  usage(std::cerr);
  return gradfuzz::cli::kBadInput;
}

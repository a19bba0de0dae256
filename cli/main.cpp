// gradfuzz: checks backpropagation against finite differences and names the bug.
// Thin: picks the subcommand, which parses its options and calls the library.

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <exception>
#include <iostream>
#include <span>
#include <string>
#include <vector>

#include "blas_threads.hpp"
#include "command.hpp"
#include "gradfuzz/interruption.hpp"
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

// The first SIGINT, SIGTERM or SIGHUP asks the run to stop (interruption.hpp): no more cases
// are drawn, the adapter is ended as PROTOCOL.md's bye says, every report is written with the
// results so far, and the exit status is 128 + the signal. A second one exits at once, still
// killing the adapters' process groups, for a run that will not stop soon enough.
volatile std::sig_atomic_t first_signal = 0;

extern "C" void on_stop_signal(int signal) {
  if (first_signal != 0) {
    gradfuzz::kill_adapters_now();
    ::_exit(128 + signal);
  }
  first_signal = signal;
  gradfuzz::request_stop();
}

void handle_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a wait in poll() returns and looks at the request
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal, &action, nullptr);
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
  // A reader that has gone (`gradfuzz check ... | head -1`) gives EPIPE on stdout, which the
  // console report shrugs off; the exit status stays the verdict's, not 141.
  std::signal(SIGPIPE, SIG_IGN);
  handle_stop_signals();
  for (const Command& c : kCommands) {
    if (args[0] != c.name) continue;
    try {
      const int status = c.run(std::vector<std::string>(args.begin() + 1, args.end()), io);
      if (const int signal = first_signal) {
        std::cerr << "gradfuzz " << c.name << ": stopped by signal " << signal << " ("
                  << ::strsignal(signal) << "); the reports hold the results so far\n";
        return 128 + signal;
      }
      return status;
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

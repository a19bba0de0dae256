// gradfuzz selftest: the reference backprop against finite differences on a fixed battery.

#include <boost/program_options.hpp>

#include "command.hpp"
#include "gradfuzz/reports/console_reporter.hpp"
#include "gradfuzz/selftest.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int selftest_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz selftest [options]\n\n"
      "Checks gradfuzz's own reference backprop against finite differences on a fixed\n"
      "battery of networks that covers every activation and loss, L2 on and off, batch\n"
      "size 1, a single-layer and a deep narrow network. Each case is checked once per\n"
      "scheme; the table shows, per quantity, the course's relative difference\n"
      "||g - n|| / (||g|| + ||n||) and the worst entry. Exit status 0 when all pass.\n\n"
      "options");
  std::vector<std::string> schemes;
  options.add_options()("help,h", "show this help")(
      "scheme", po::value(&schemes)->multitoken()->default_value({"central", "complex-step"},
                                                                  "central complex-step"),
      "finite-difference schemes to check with: forward, central, five-point, complex-step")(
      "quiet,q", "print only the verdict line");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    io.err << "gradfuzz selftest: " << e.what() << "\nsee 'gradfuzz selftest --help'\n";
    return kBadInput;
  }
  if (vm.count("help")) {
    io.out << options << '\n';
    return kPassed;
  }
  std::vector<Scheme> kinds;
  for (const auto& name : schemes) {
    const auto s = find_scheme(name);
    if (!s) {
      io.err << "gradfuzz selftest: unknown scheme '" << name
             << "': expected forward, central, five-point or complex-step\n";
      return kBadInput;
    }
    kinds.push_back(*s);
  }
  const RunResult run = run_selftest(kinds);
  ConsoleReporter(io.out, {vm.count("quiet") > 0}).report(run);
  return run.passed() ? kPassed : kDiscrepancy;
}

}  // namespace gradfuzz::cli

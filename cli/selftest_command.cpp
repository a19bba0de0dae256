// gradfuzz selftest: the reference against finite differences on a fixed battery and in a
// campaign, then a campaign hunting every mutant of the catalogue.

#include "gradfuzz/fuzz/selftest.hpp"
#include "gradfuzz/mutants.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int selftest_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz selftest [options]\n\n"
      "Checks gradfuzz itself. First its reference backprop against finite differences on a\n"
      "fixed battery (every activation and loss, L2 on and off, batch size 1, a single-layer\n"
      "and a deep narrow network) with each --battery-scheme, then in a campaign of --cases\n"
      "drawn networks; then every mutant of the catalogue (the reference with one known bug)\n"
      "is hunted by a campaign on the networks where its bug shows, and must be caught and\n"
      "diagnosed as the bug it is. Exit status 0 when all of that holds.\n\n"
      "options");
  CampaignArgs campaign;
  campaign.seed = std::to_string(1);  // reproducible by default: a self-test must not vary
  OutputArgs output;
  std::vector<std::string> schemes;
  options.add_options()("help,h", "show this help")(
      "battery-scheme",
      po::value(&schemes)->multitoken()->default_value({"central", "complex-step"},
                                                       "central complex-step"),
      "schemes the battery is checked with")("no-mutants", "skip the mutant hunt")(
      "list-mutants", "list the mutant catalogue and exit");
  add_campaign_options(options, campaign);
  add_output_options(options, output);
  po::variables_map vm;
  if (auto status = parse(args, options, nullptr, vm, "selftest", io)) return *status;
  if (vm.count("list-mutants")) {
    for (const MutantInfo& m : mutant_catalogue())
      io.out << m.name << "  [" << m.diagnosis << "]  " << m.description << '\n';
    return kPassed;
  }
  SelftestOptions selftest;
  try {
    selftest.campaign = to_campaign_options(campaign);
    check_outputs(output, {});
    selftest.schemes.clear();
    for (const auto& name : schemes) {
      const auto s = find_scheme(name);
      if (!s)
        throw UsageError("--battery-scheme " + name +
                         ": expected forward, central, five-point or complex-step");
      selftest.schemes.push_back(*s);
    }
  } catch (const UsageError& e) {
    io.err << "gradfuzz selftest: " << e.what() << '\n';
    return kBadInput;
  }
  selftest.mutants = vm.count("no-mutants") == 0;
  const RunResult run = run_selftest(selftest);
  return report_and_exit(run, output, io);
}

}  // namespace gradfuzz::cli

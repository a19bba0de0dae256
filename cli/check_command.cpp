// gradfuzz check: a campaign against a gradient source.

#include "gradfuzz/mutants.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int check_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz check --builtin NAME [campaign options] [output options]\n\n"
      "Draws --cases random networks, asks the source for its gradients on each, and compares\n"
      "them with finite differences of the cost J, in both conventions (mean: gradients of J;\n"
      "sum: of m*J). At the first failing case it stops, shrinks the case to the smallest one\n"
      "that still fails, names the bug and prints the command that replays it.\n\n"
      "  gradfuzz check --builtin reference\n"
      "  gradfuzz check --builtin no_inv_m --seed 7\n"
      "  gradfuzz check --builtin reference --layers 784,128,64,10 \\\n"
      "      --activations relu,relu,sigmoid --loss bce --batch 64 --cases 1\n\n"
      "options");
  std::string builtin;
  CampaignArgs campaign;
  OutputArgs output;
  options.add_options()("help,h", "show this help")(
      "builtin", po::value(&builtin),
      "a built-in source: 'reference' (gradfuzz's own backprop) or a mutant of it with one "
      "known bug ('gradfuzz selftest --list-mutants' lists them)");
  add_campaign_options(options, campaign);
  add_output_options(options, output);
  po::variables_map vm;
  if (auto status = parse(args, options, nullptr, vm, "check", io)) return *status;
  std::unique_ptr<GradientSource> source;
  CampaignOptions campaign_options;
  try {
    if (builtin.empty()) throw UsageError("name the code to check: --builtin NAME");
    try {
      source = make_builtin(builtin);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--builtin: ") + e.what());
    }
    campaign_options = to_campaign_options(campaign);
  } catch (const UsageError& e) {
    io.err << "gradfuzz check: " << e.what() << "\nsee 'gradfuzz check --help'\n";
    return kBadInput;
  }
  RunResult run;
  run.command = "check";
  run.source_args = "--builtin " + builtin;
  run.seed = campaign_options.seed;
  try {
    run.campaigns.push_back(fuzz(*source, campaign_options));
  } catch (const std::invalid_argument& e) {
    io.err << "gradfuzz check: " << e.what() << '\n';
    return kBadInput;
  }
  if (!write_reports(run, output, io)) return kBadInput;
  return exit_status(run);
}

}  // namespace gradfuzz::cli

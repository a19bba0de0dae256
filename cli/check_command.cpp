// gradfuzz check: a campaign against a gradient source.

#include "gradfuzz/interruption.hpp"
#include "options.hpp"
#include "source_options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int check_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz check (--adapter CMD | --builtin NAME) [campaign options] [output "
      "options]\n\n"
      "Draws --cases random networks, asks the source for its gradients on each, and compares\n"
      "them with finite differences of the cost J, in both conventions (mean: gradients of J;\n"
      "sum: of m*J). At the first failing case it stops, shrinks the case to the smallest one\n"
      "that still fails, names the bug and prints the command that replays it. An adapter that\n"
      "says its cost J has it checked against gradfuzz's forward pass too.\n\n"
      "  gradfuzz check --adapter '/usr/bin/python3 my_adapter.py'\n"
      "  gradfuzz check --adapter '/usr/bin/python3 my_adapter.py' --numeric-from adapter\n"
      "  gradfuzz check --builtin reference\n"
      "  gradfuzz check --builtin no_inv_m --seed 7\n"
      "  gradfuzz check --builtin reference --layers 784,128,64,10 \\\n"
      "      --activations relu,relu,sigmoid --loss bce --batch 64 --cases 1\n"
      "  gradfuzz check --builtin reference --layers 784,128,64,10 --mode fast\n\n"
      "--mode fast replaces the 2P finite differences of P parameters by directional\n"
      "derivatives along k random Gaussian directions v, each compared with the claimed g.v.\n"
      "For an error e of the gradient, e.v is normal, so a direction lets it through with\n"
      "probability at most sqrt(2/pi) T/||e|| (T the per-direction tolerance); k is chosen so\n"
      "that an error above the stated threshold X is missed with probability below\n"
      "--miss-probability, and the report states X. A failure is localized by group testing\n"
      "(each quantity alone, then halves of its entries) to the wrong quantities and entries;\n"
      "the shrunk failing case is then checked entry by entry to diagnose it.\n\n"
      "Exit status: 0 passed, 1 a wrong gradient or cost (or the code failed on a case), 2 bad\n"
      "usage, 3 the adapter misbehaved (crashed, hung, broke the protocol; the reports are\n"
      "still written with the results so far).\n\n"
      "options");
  SourceArgs source_args;
  CampaignArgs campaign;
  OutputArgs output;
  options.add_options()("help,h", "show this help");
  add_source_options(options, source_args);
  add_campaign_options(options, campaign);
  add_output_options(options, output);
  po::variables_map vm;
  if (auto status = parse(args, options, nullptr, vm, "check", io)) return *status;
  CampaignOptions campaign_options;
  try {
    validate(source_args);
    campaign_options = to_campaign_options(campaign);
    check_outputs(output, files_in_command(source_args.adapter));
  } catch (const UsageError& e) {
    io.err << "gradfuzz check: " << e.what() << "\nsee 'gradfuzz check --help'\n";
    return kBadInput;
  }
  RunResult run;
  run.command = "check";
  run.source_args = source_words(source_args);
  run.seed = campaign_options.seed;
  try {
    std::unique_ptr<GradientSource> source = make_source(source_args);
    campaign_options.check.numeric_from =
        numeric_from(source_args, *source, campaign_options.check.scheme);
    if (campaign_options.check.mode == CheckMode::fast &&
        campaign_options.check.numeric_from == NumericFrom::source)
      throw UsageError(
          "--numeric-from adapter applies to --mode full; --mode fast differentiates gradfuzz's "
          "own J along random directions (use --mode full to take differences of the "
          "adapter's cost)");
    run.campaigns.push_back(fuzz(*source, campaign_options));
    // The source goes (an adapter is ended) before the reports are written.
  } catch (const UsageError& e) {
    io.err << "gradfuzz check: " << e.what() << "\nsee 'gradfuzz check --help'\n";
    return kBadInput;
  } catch (const ProtocolError& e) {
    // The adapter misbehaved before the campaign began (at its start or hello).
    CampaignResult failed;
    failed.source = source_args.adapter;
    failed.seed = campaign_options.seed;
    failed.shard = campaign_options.shard;
    failed.cases_planned = failed.shard.cases_of(campaign_options.cases);
    failed.misbehaviour = e.what();
    run.campaigns.push_back(std::move(failed));
  } catch (const Interrupted&) {
    run.stopped = true;  // during the adapter's start: nothing was run
  } catch (const std::invalid_argument& e) {
    io.err << "gradfuzz check: " << e.what() << '\n';
    return kBadInput;
  }
  const int status = report_and_exit(run, output, io);
  for (const CampaignResult& c : run.campaigns)
    if (c.mostly_refused() && !run.found_wrong()) {
      io.err << "gradfuzz check: " << c.source << " refused " << c.cases_skipped << " of the "
             << c.cases_skipped + c.cases_run
             << " cases drawn (more than half). Its hello can say what the code handles, so "
                "that gradfuzz draws only that (docs/PROTOCOL.md, version 1.1):\n";
      for (const std::string& hint : c.refusal_hints) io.err << "  " << hint << '\n';
    }
  return status;
}

}  // namespace gradfuzz::cli

// gradfuzz report: re-render saved JSON results in any format, or merge several (the shards of
// one campaign run by different CI jobs) into one.

#include <fstream>

#include "gradfuzz/reports/results_file.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int report_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz report IN.json... [--merge] [output options]\n"
      "       gradfuzz report merge A.json B.json ... --json ALL.json\n\n"
      "Reads results that a command wrote with --json and renders them again: --html for a\n"
      "reviewer, --junit for CI, --markdown for a job summary. Several files are merged into\n"
      "one result (every case, campaign and mutant of each), e.g. the --shard K/N runs of one\n"
      "campaign; the exit status is the merged verdict's.\n\n"
      "  gradfuzz check --builtin no_inv_m --json r.json && gradfuzz report r.json --html "
      "r.html\n\n"
      "options");
  std::vector<std::string> inputs;
  OutputArgs output;
  options.add_options()("help,h", "show this help")("input", po::value(&inputs)->multitoken(),
                                                    "results files written by --json")(
      "merge", "merge the inputs (implied by more than one input)");
  add_output_options(options, output);
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  if (auto status = parse(args, options, &positional, vm, "report", io)) return *status;
  if (!inputs.empty() && inputs.front() == "merge") inputs.erase(inputs.begin());
  if (inputs.empty()) {
    io.err << "gradfuzz report: give at least one results file (written by --json)\n"
              "see 'gradfuzz report --help'\n";
    return kBadInput;
  }
  std::vector<RunResult> runs;
  for (const std::string& path : inputs) {
    std::ifstream in(path);
    if (!in) {
      io.err << "gradfuzz report: cannot read '" << path << "': check the path\n";
      return kBadInput;
    }
    try {
      runs.push_back(read_results(in, path));
    } catch (const std::invalid_argument& e) {
      io.err << "gradfuzz report: " << e.what() << '\n';
      return kBadInput;
    }
  }
  const RunResult run = runs.size() == 1 ? runs.front() : merge_results(runs);
  if (!write_reports(run, output, io)) return kBadInput;
  return exit_status(run);
}

}  // namespace gradfuzz::cli

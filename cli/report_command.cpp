// gradfuzz report: re-render saved JSON results in any format, or merge several (the shards of
// one campaign run by different CI jobs) into one.

#include <filesystem>
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
      "one result: the --shard K/N runs of one campaign, each once and none missing (the same\n"
      "command, seed, source and --cases; exit status 2 naming what is wrong otherwise, or, for\n"
      "missing shards only, --allow-partial); the exit status is the merged verdict's.\n\n"
      "  gradfuzz check --builtin no_inv_m --json r.json && gradfuzz report r.json --html "
      "r.html\n\n"
      "options");
  std::vector<std::string> inputs;
  OutputArgs output;
  options.add_options()("help,h", "show this help")("input", po::value(&inputs)->multitoken(),
                                                    "results files written by --json")(
      "merge", "merge the inputs (implied by more than one input)")(
      "allow-partial",
      "merge shards even when some of the campaign's K/N are missing; the merged report says "
      "which (without it, a missing shard is an error: exit status 2)");
  add_output_options(options, output);
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  if (auto status = parse(args, options, &positional, vm, "report", io)) return *status;
  const bool merge_word = !inputs.empty() && inputs.front() == "merge";
  if (merge_word) inputs.erase(inputs.begin());
  if (inputs.empty()) {
    io.err << "gradfuzz report: give at least one results file (written by --json)\n"
              "see 'gradfuzz report --help'\n";
    return kBadInput;
  }
  try {
    check_outputs(output, inputs);
  } catch (const UsageError& e) {
    io.err << "gradfuzz report: " << e.what() << '\n';
    return kBadInput;
  }
  std::vector<RunResult> runs;
  for (const std::string& path : inputs) {
    if (std::filesystem::is_directory(path)) {
      io.err << "gradfuzz report: '" << path << "' is a folder: give the results files in it (e.g. "
             << path << "/*.json)\n";
      return kBadInput;
    }
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
  // Merging checks that the files are the shards of one campaign, each once, none missing.
  const bool merge = runs.size() > 1 || vm.count("merge") || merge_word;
  RunResult run;
  try {
    run = merge ? merge_results(runs, inputs, vm.count("allow-partial") > 0) : runs.front();
  } catch (const std::invalid_argument& e) {
    io.err << "gradfuzz report merge: " << e.what() << '\n';
    return kBadInput;
  }
  return report_and_exit(run, output, io);
}

}  // namespace gradfuzz::cli

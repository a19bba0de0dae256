#pragma once
// Options shared by the commands that run checks: the campaign options and the output options
// of DESIGN.md, parsed once here so every command reads them the same way.

#include <boost/program_options.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "command.hpp"
#include "gradfuzz/fuzz/campaign.hpp"
#include "gradfuzz/run_result.hpp"

namespace gradfuzz::cli {

/// Bad usage: the message says which option and what it accepts.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "relu, tanh,sigmoid" -> {"relu", "tanh", "sigmoid"}: the comma lists options take. Throws
/// UsageError naming --`option` for an empty item ("3,,1", "relu,"); "" is the empty list.
std::vector<std::string> split_list(const std::string& option, const std::string& text);

// Numbers are read as text and parsed here (number()), so that "-1" is refused rather than
// wrapped to 2^64 - 1 as program_options' unsigned parsing does.
struct CampaignArgs {
  std::string cases = "100";
  std::string seed = "random";
  std::string max_layers = "3";
  std::string max_width = "6";
  std::string max_batch = "8";
  std::string max_memory = "4096";  ///< MiB a case may need to be checked (case_size.hpp)
  std::string hidden = "linear,sigmoid,tanh,relu,leaky_relu";
  std::string output = "sigmoid,softmax,linear,tanh,relu,leaky_relu";
  std::string loss = "bce,ce,mse";
  std::string lambda;
  std::string layers;
  std::string activations;
  std::string batch;
  std::string scheme = "central";
  std::string mode = "full";
  std::string miss_probability = "1e-6";
  std::string shard = "1/1";
  std::string depth;           ///< --depth N or MIN,MAX
  std::string output_units;    ///< --output-units N or MIN,MAX
  bool same_hidden = false;    ///< --same-hidden-activation
  std::string labels = "any";  ///< --labels hard|any
};

/// Adds --cases, --seed, --max-layers, ... to `description`, writing into `args`.
void add_campaign_options(boost::program_options::options_description& description,
                          CampaignArgs& args);
/// Throws UsageError for a value that does not parse or options that clash.
CampaignOptions to_campaign_options(const CampaignArgs& args);

struct OutputArgs {
  std::string json;
  std::string junit;
  std::string markdown;
  std::string html;
  bool quiet = false;
};

void add_output_options(boost::program_options::options_description& description, OutputArgs& args);

/// Throws UsageError when two output options name one file (--json r --html r), or an output
/// names one of `inputs` (the adapter's script, the formula file, a results file read): writing
/// it would destroy what the run reads. Paths are compared as files, whatever their spelling.
void check_outputs(const OutputArgs& args, const std::vector<std::string>& inputs);

/// The words of an adapter command that name existing files (its script, say), for check_outputs.
std::vector<std::string> files_in_command(const std::string& command);

/// Prints the console report and writes every requested file (all of them, even when one
/// fails); returns false, after saying which file and why on err, if one could not be written.
bool write_reports(const RunResult& run, const OutputArgs& args, Streams io);

/// The exit status a finished run earns.
int exit_status(const RunResult& run);

/// write_reports, then the exit status: the run's verdict (a failed report file is said on err
/// but never hides a 1 or a 3), or kBadInput when the run passed but a file could not be written.
int report_and_exit(const RunResult& run, const OutputArgs& args, Streams io);

/// Parses `args` against `description`; on --help prints it and returns kPassed, on bad usage
/// prints the error and returns kBadInput; otherwise returns nothing and fills `vm`.
std::optional<int> parse(const std::vector<std::string>& args,
                         const boost::program_options::options_description& description,
                         const boost::program_options::positional_options_description* positional,
                         boost::program_options::variables_map& vm, const char* command,
                         Streams io);

}  // namespace gradfuzz::cli

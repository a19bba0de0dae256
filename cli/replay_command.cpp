// gradfuzz replay: re-run exactly one case from its replay string.

#include "formula_options.hpp"
#include "gradfuzz/interruption.hpp"
#include "gradfuzz/recipe.hpp"
#include "options.hpp"
#include "source_options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int replay_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz replay REPLAY (--adapter CMD | --builtin NAME | --formula F...) [--scheme "
      "S]\n                       [output options]\n\n"
      "Re-runs the one case a report's replay string describes (it starts with 'v1;') and\n"
      "prints every quantity's comparison, so a fix can be tried on the smallest failing case.\n"
      "Quote the string: it holds ';'.\n\n"
      "  gradfuzz replay 'v1;sizes=1,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=5;"
      "scale=1;values=continuous;labels=hard' --builtin no_inv_m\n"
      "  gradfuzz replay 'v1;...' --adapter '/usr/bin/python3 my_adapter.py'\n"
      "  gradfuzz replay 'v1;...' --formula 'dz[1] = W[2]T dz[2] * g[1]'\\''(z[1])'\n\n"
      "options");
  std::string replay, scheme = "central";
  SourceArgs source_args;
  OutputArgs output;
  options.add_options()("help,h", "show this help")(
      "replay", po::value(&replay), "the replay string (may also be given without the option)")(
      "scheme", po::value(&scheme)->default_value(scheme),
      "finite differences: central, forward, five-point or complex-step");
  add_source_options(options, source_args);
  FormulaArgs formulas;
  add_formula_options(options, formulas);
  add_output_options(options, output);
  po::positional_options_description positional;
  positional.add("replay", 1);
  po::variables_map vm;
  if (auto status = parse(args, options, &positional, vm, "replay", io)) return *status;
  Case c;
  CheckOptions check;
  const bool formula = !formulas.formulas.empty() || !formulas.file.empty();
  try {
    if (replay.empty()) throw UsageError("give the replay string, e.g. gradfuzz replay 'v1;...'");
    if (!formula) validate(source_args);
    std::vector<std::string> inputs = files_in_command(source_args.adapter);
    if (!formulas.file.empty()) inputs.push_back(formulas.file);
    check_outputs(output, inputs);
    try {
      c = make_case(parse_recipe(replay));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    const auto s = find_scheme(scheme);
    if (!s)
      throw UsageError("--scheme " + scheme +
                       ": expected central, forward, five-point or complex-step");
    check.scheme = *s;
  } catch (const UsageError& e) {
    io.err << "gradfuzz replay: " << e.what() << "\nsee 'gradfuzz replay --help'\n";
    return kBadInput;
  }
  RunResult run;
  run.command = "replay";
  run.source_args = formula ? formula_words(formulas) : source_words(source_args);
  try {
    std::unique_ptr<GradientSource> source =
        formula ? make_formula_source(formulas) : make_source(source_args);
    if (!formula) check.numeric_from = numeric_from(source_args, *source, check.scheme);
    run.cases.push_back(check_case(c, *source, check));
    if (formula && run.cases.back().checks.empty() && !run.cases.back().source_error)
      throw UsageError("none of the formulas applies to this network (" + c.spec.describe() + ")");
  } catch (const UsageError& e) {
    io.err << "gradfuzz replay: " << e.what() << "\nsee 'gradfuzz replay --help'\n";
    return kBadInput;
  } catch (const ProtocolError& e) {
    CampaignResult failed;
    failed.source = source_args.adapter.empty() ? source_args.builtin : source_args.adapter;
    failed.cases_planned = 1;
    failed.misbehaviour = e.what();
    run.campaigns.push_back(std::move(failed));
  } catch (const Interrupted&) {
    run.stopped = true;
  } catch (const std::invalid_argument& e) {
    io.err << "gradfuzz replay: " << e.what() << '\n';
    return kBadInput;
  }
  return report_and_exit(run, output, io);
}

}  // namespace gradfuzz::cli

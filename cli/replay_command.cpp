// gradfuzz replay: re-run exactly one case from its replay string.

#include "formula_options.hpp"
#include "gradfuzz/mutants.hpp"
#include "gradfuzz/recipe.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {

int replay_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(
      "usage: gradfuzz replay REPLAY (--builtin NAME | --formula F...) [--scheme S] [output "
      "options]\n\n"
      "Re-runs the one case a report's replay string describes (it starts with 'v1;') and\n"
      "prints every quantity's comparison, so a fix can be tried on the smallest failing case.\n"
      "Quote the string: it holds ';'.\n\n"
      "  gradfuzz replay 'v1;sizes=1,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=5;"
      "scale=1;values=continuous;labels=hard' --builtin no_inv_m\n"
      "  gradfuzz replay 'v1;...' --formula 'dz[1] = W[2]T dz[2] * g[1]'\\''(z[1])'\n\n"
      "options");
  std::string replay, builtin, scheme = "central";
  OutputArgs output;
  options.add_options()("help,h", "show this help")(
      "replay", po::value(&replay), "the replay string (may also be given without the option)")(
      "builtin", po::value(&builtin), "the built-in source: 'reference' or a mutant's name")(
      "scheme", po::value(&scheme)->default_value(scheme),
      "finite differences: central, forward, five-point or complex-step");
  FormulaArgs formulas;
  add_formula_options(options, formulas);
  add_output_options(options, output);
  po::positional_options_description positional;
  positional.add("replay", 1);
  po::variables_map vm;
  if (auto status = parse(args, options, &positional, vm, "replay", io)) return *status;
  std::unique_ptr<GradientSource> source;
  Case c;
  CheckOptions check;
  const bool formula = !formulas.formulas.empty() || !formulas.file.empty();
  try {
    if (replay.empty()) throw UsageError("give the replay string, e.g. gradfuzz replay 'v1;...'");
    if (builtin.empty() && !formula)
      throw UsageError("name the code to check: --builtin NAME or --formula F");
    try {
      source = formula ? make_formula_source(formulas) : make_builtin(builtin);
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
  run.source_args = formula ? formula_words(formulas) : "--builtin " + builtin;
  run.cases.push_back(check_case(c, *source, check));
  if (formula && run.cases.back().checks.empty() && !run.cases.back().source_error) {
    io.err << "gradfuzz replay: none of the formulas applies to this network (" << c.spec.describe()
           << ")\n";
    return kBadInput;
  }
  if (!write_reports(run, output, io)) return kBadInput;
  return exit_status(run);
}

}  // namespace gradfuzz::cli

// gradfuzz formula: checks backprop formulas, shapes first, then values against finite
// differences on random networks, one campaign per hidden activation.

#include <cstdio>
#include <map>

#include "formula_options.hpp"
#include "gradfuzz/detail/shell_words.hpp"
#include "gradfuzz/formula/error.hpp"
#include "gradfuzz/fuzz/formula_campaign.hpp"
#include "gradfuzz/recipe.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {
namespace {

constexpr const char* kHelp =
    "usage: gradfuzz formula [--file F | FORMULA...] [campaign options] [output options]\n"
    "\n"
    "Checks backprop formulas as you derived them: first the shape of every operation in\n"
    "symbols (n[l], m), then the values on random networks against finite differences of the\n"
    "cost J, separately for each hidden activation, so a formula that holds only for tanh\n"
    "layers says so. A wrong formula gets a diagnosis in words, the smallest network on which\n"
    "it fails and the command that replays it.\n"
    "\n"
    "Write GRADIENT = EXPRESSION. The left side is dZ, dA, dW or db with its layer; the right\n"
    "side may use W, b, Z, A, X (= A[0]), Y, m, lambda, the other gradients (taken from exact\n"
    "values, so each formula is judged on its own), g[l] and g[l]', and sigmoid, tanh, relu.\n"
    "\n"
    "The course's notation:\n"
    "  dz[1] = W[2]T dz[2] * g[1]'(z[1])         juxtaposition is the matrix product, * is\n"
    "  dW[1] = 1/m dz[1] X^T                     elementwise, T or ^T transposes, ' or ’ is\n"
    "  db^{[1]} = 1/m np.sum(dz[1], axis=1, keepdims=True)      the derivative, layers are\n"
    "  dZ[l] = W[l+1]T dZ[l+1] * g[l]'(Z[l])     [l] or ^{[l]}; l is every layer, L the last\n"
    "  dZ[L] = A[L] - Y\n"
    "NumPy's:\n"
    "  dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))\n"
    "  dW1 = 1./m * np.dot(dZ1, X.T) + lambd/m * W1\n"
    "  db1 = 1/m * np.sum(dZ1, axis=1, keepdims=True)\n"
    "  dZ1 = np.multiply(dA1, np.int64(A1 > 0))      also @, np.matmul, np.multiply, **,\n"
    "                                                 np.exp, np.log, np.tanh, np.maximum,\n"
    "                                                 np.where, comparisons, .T, 1./m\n"
    "\n"
    "dZ and dA pass as the course's per-example dL/dZ (no 1/m) or as dJ/dZ = 1/m dL/dZ, and the\n"
    "result says which; dW and db must be dJ/dW (with the 1/m) unless --convention sum.\n"
    "Networks have as many layers as the highest layer a formula names (the course's two-layer\n"
    "network for dz[1]), or varying depth with l and L; the output is a sigmoid with bce (the\n"
    "course's) unless --output/--loss say otherwise. --layers and --activations pin them.\n"
    "\n"
    "  gradfuzz formula \"dz[1] = W[2]T dz[2] * g[1]'(z[1])\"\n"
    "  gradfuzz formula \"dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))\" --hidden tanh\n"
    "  gradfuzz formula --file derivation.txt --cases 200 --seed 7\n"
    "\n"
    "exit status: 0 every formula holds, 1 a formula is wrong (its values, or shapes that\n"
    "cannot work), 2 bad usage or a formula that cannot be read (the message points at the\n"
    "place).\n"
    "\n"
    "options";

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// Pads to a width in characters (UTF-8 code points), for columns.
std::string pad(const std::string& text, std::size_t width) {
  const std::size_t w = formula::display_width(text, text.size());
  return w >= width ? text : text + std::string(width - w, ' ');
}

std::string describe(const Case& c) {
  return c.spec.describe() + ", m=" + std::to_string(c.m());
}

std::string networks(const CampaignOptions& o) {
  const GeneratorOptions& g = o.generate;
  std::string depth;
  if (g.layers) {
    for (auto n : *g.layers) depth += (depth.empty() ? "" : "-") + std::to_string(n);
    depth += " networks";
  } else if (g.activations) {
    depth = std::to_string(g.activations->size()) + "-layer networks";
  } else if (const Range r = depth_range(g); r.min == r.max) {
    depth = std::to_string(r.min) + "-layer networks";
  } else {
    depth = std::to_string(r.min) + "- to " + std::to_string(r.max) + "-layer networks";
  }
  std::string losses;
  for (Loss loss : g.losses) losses += (losses.empty() ? "" : "/") + std::string(to_string(loss));
  std::string outputs;
  for (Activation a : g.output) outputs += (outputs.empty() ? "" : "/") + std::string(to_string(a));
  if (g.activations) outputs = to_string(g.activations->back());
  return depth + ", " + losses + " with a " + outputs + " output";
}

// How a quantity written as `name` (dz[1], dZ[L], dW1) was matched.
std::string convention_words(const std::string& name, bool parameter, Convention c) {
  const std::string of = name.substr(1);  // "z[1]" of "dz[1]"
  if (!parameter)
    return c == Convention::sum
               ? name + " is per example, dL/d" + of + " (the course's, no 1/m)"
               : name + " is dJ/d" + of + " = 1/m dL/d" + of + " (the course's has no 1/m)";
  return c == Convention::mean ? name + " is dJ/d" + of + " (with the 1/m)"
                               : name + " is the gradient of the summed loss m*J (no 1/m)";
}

std::string replay_words(const formula::Formula& f, const Case& c, Convention convention) {
  return "gradfuzz replay " + detail::shell_quote(c.replay) + " --formula " +
         detail::shell_quote(f.text) + (convention == Convention::sum ? " --convention sum" : "");
}

void print_failure(std::ostream& out, const FormulaOutcome& o, const HiddenResult& r,
                   Convention convention) {
  const CampaignResult& campaign = r.campaign;
  const std::string indent = "      ";
  if (campaign.misbehaviour) {
    out << indent << "could not be checked: " << *campaign.misbehaviour << '\n';
    return;
  }
  const Failure& f = *campaign.failure;
  const CaseResult& s = f.shrunk;
  const Diagnosis* d = r.diagnosis();
  if (d) out << indent << "[" << d->id << "] " << d->message << '\n';
  out << indent << "found on network " << f.case_number << " of " << campaign.cases_planned << " ("
      << describe(f.found.c) << "); the smallest failing network: " << describe(s.c) << '\n';
  if (r.smallest_reading)
    out << indent << "on the smallest network alone it would also read as ["
        << r.smallest_reading->id << "]\n";
  for (const QuantityCheck* q : s.failures()) {
    if (!q->shape_ok()) continue;
    const std::string as = q->quantity.is_parameter() ? std::string(to_string(q->expected))
                                                      : std::string("per example");
    out << indent << q->quantity.name() << "(" << q->worst.row << "," << q->worst.col
        << ") = " << format("%.6g", q->worst.claimed) << " where finite differences give "
        << format("%.6g", q->worst.numeric) << " (" << as << "); " << q->failing_entries << " of "
        << q->claimed.n_elem << " entries differ\n";
  }
  if (s.source_error && (!s.diagnosis || s.diagnosis->id != "adapter_error"))
    out << indent << *s.source_error << '\n';
  out << indent << "replay: " << replay_words(o.formula, s.c, convention) << '\n';
}

void print_outcome(std::ostream& out, const FormulaOutcome& o, const std::string& where,
                   const CampaignOptions& campaign, Convention convention) {
  const formula::Formula& f = o.formula;
  out << '\n' << (where.empty() ? "" : where + ": ") << f.text << '\n';
  if (o.shapes.finding) {
    const formula::ShapeFinding& s = *o.shapes.finding;
    out << "  shapes: WRONG [" << s.id << "]\n";
    std::string lines = formula::caret_lines(f.text, s.where);
    for (std::size_t at = 0;
         (at = lines.find('\n', at)) != std::string::npos && at + 1 < lines.size();)
      lines.insert(++at, "  ");
    out << "  " << lines << "    " << s.message << '\n';
    out << "  values: not checked, no value can be computed\n";
    out << "  => " << o.verdict() << '\n';
    return;
  }
  const formula::ShapeReport& shapes = o.shapes;
  out << "  shapes, in symbols (and for " << shapes.bindings << "):\n";
  std::size_t text_width = 0, shape_width = 0;
  for (const formula::ShapeStep& s : shapes.steps) {
    text_width = std::max(text_width, formula::display_width(s.text, s.text.size()));
    shape_width = std::max(shape_width, formula::display_width(s.shapes, s.shapes.size()));
  }
  for (const formula::ShapeStep& s : shapes.steps)
    out << "    " << pad(s.text, text_width) << "  " << pad(s.shapes, shape_width) << "  " << s.here
        << '\n';
  out << "    " << f.target_text() << " must be " << shapes.target.text() << ": the right side is "
      << shapes.result.text() << '\n';
  out << "  values: " << networks(campaign) << '\n';
  std::map<Quantity, Convention> conventions;
  for (const HiddenResult& r : o.results) {
    std::string label = r.hidden ? std::string(to_string(*r.hidden)) : std::string("all");
    label.resize(11, ' ');
    if (r.campaign.passed()) {
      double worst = 0;
      for (const QuantitySummary& q : r.campaign.quantities)
        worst = std::max(worst, q.max_rel_diff);
      // Where both sides are nearly 0 the relative difference says nothing (the pass rule
      // judges those entries by their absolute error).
      out << "    " << label << " holds on " << r.campaign.cases_run << " networks"
          << (worst < 1e-6 ? ", worst relative difference " + format("%.1e", worst)
                           : ", every entry within the finite-difference error")
          << '\n';
      for (const auto& [q, c] : r.conventions) conventions.emplace(q, c);
    } else {
      out << "    " << label << " FAILS\n";
      print_failure(out, o, r, convention);
    }
  }
  std::map<Convention, std::vector<Quantity>> by_convention;
  for (const auto& [q, c] : conventions) by_convention[c].push_back(q);
  if (by_convention.size() == 1) {  // as the formula writes it: dZ[l], not dZ1, dZ2, ...
    const auto& [c, qs] = *by_convention.begin();
    out << "    " << convention_words(f.target_text(), qs.front().is_parameter(), c) << '\n';
  } else {
    for (const auto& [q, c] : conventions)
      out << "    " << convention_words(q.name(), q.is_parameter(), c) << '\n';
  }
  out << "  => " << o.verdict() << '\n';
}

// A case of the example network, for a formula whose shapes cannot work: the failure is
// recorded on the shared results path like any other.
Case example_case(const FormulaOutcome& o, const CampaignOptions& campaign) {
  const GeneratorOptions& g = campaign.generate;
  CaseRecipe recipe;
  recipe.spec.sizes = o.example.sizes;
  recipe.batch = o.example.m;
  recipe.seed = campaign.seed;
  const int L = static_cast<int>(o.example.sizes.size()) - 1;
  for (Loss loss : g.losses) {
    for (Activation out : g.output) {
      if (!loss_fits_output(loss, out)) continue;
      recipe.spec.loss = loss;
      recipe.spec.activations.assign(static_cast<std::size_t>(L - 1),
                                     g.hidden.empty() ? Activation::tanh : g.hidden.front());
      recipe.spec.activations.push_back(out);
      if (g.activations) recipe.spec.activations = *g.activations;
      try {
        return make_case(recipe);
      } catch (const SpecError&) {
      }
    }
  }
  recipe.spec.loss = Loss::bce;
  recipe.spec.activations.assign(static_cast<std::size_t>(L - 1), Activation::tanh);
  recipe.spec.activations.push_back(Activation::sigmoid);
  recipe.spec.sizes.back() = 1;
  return make_case(recipe);
}

CaseResult shape_result(const FormulaOutcome& o, const CampaignOptions& campaign) {
  CaseResult r;
  r.c = example_case(o, campaign);
  r.source = o.formula.text;
  const formula::ShapeFinding& s = *o.shapes.finding;
  r.source_error = "the shapes cannot work: " + s.message;
  r.diagnosis = Diagnosis{s.id, s.message, std::nullopt, std::nullopt};
  return r;
}

}  // namespace

int formula_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(kHelp);
  FormulaArgs formulas;
  CampaignArgs campaign;
  campaign.output = "sigmoid";
  campaign.loss = "bce";
  OutputArgs output;
  bool verbose = false;
  options.add_options()("help,h", "show this help")(
      "verbose,v", po::bool_switch(&verbose),
      "also print every campaign's report (tables of claimed and numeric values)");
  add_formula_options(options, formulas);
  add_campaign_options(options, campaign);
  add_output_options(options, output);
  po::positional_options_description positional;
  positional.add("formula", -1);
  po::variables_map vm;
  if (auto status = parse(args, options, &positional, vm, "formula", io)) return *status;

  // --loss alone picks the outputs that fit it, as explain does: ce a softmax, mse any
  // elementwise output, bce a sigmoid (the default output is bce's).
  if (vm["output"].defaulted() && !vm["loss"].defaulted()) {
    std::string outputs;
    auto add = [&](const char* list) {
      outputs += (outputs.empty() ? "" : ",") + std::string(list);
    };
    for (const std::string& loss : split_list("loss", campaign.loss)) {
      if (loss == "bce") add("sigmoid");
      if (loss == "ce") add("softmax");
      if (loss == "mse") add("sigmoid,tanh,linear");
    }
    if (!outputs.empty()) campaign.output = outputs;
  }
  ReadFormulas read;
  FormulaCheckOptions check;
  try {
    read = read_formulas(formulas);
    check.convention = convention_of(formulas);
    check.campaign = to_campaign_options(campaign);
    check_outputs(output, formulas.file.empty() ? std::vector<std::string>{}
                                                : std::vector<std::string>{formulas.file});
  } catch (const UsageError& e) {
    io.err << "gradfuzz formula: " << e.what() << "\nsee 'gradfuzz formula --help'\n";
    return kBadInput;
  }
  if (!read.unread.empty()) {
    for (const UnreadFormula& u : read.unread)
      io.err << "gradfuzz formula: cannot read the formula" << (u.where.empty() ? "" : " at ")
             << u.where << " (column " << u.error.column() << ")\n"
             << u.error.display() << '\n';
    return kBadInput;
  }

  // Every formula must fit the networks (--layers) before anything runs.
  std::vector<CampaignOptions> used;
  for (const WrittenFormula& w : read.read) {
    try {
      used.push_back(formula_campaign_options(w.formula, check));
    } catch (const formula::FormulaError& e) {
      io.err << "gradfuzz formula: the formula" << (w.where.empty() ? "" : " at " + w.where)
             << " does not fit the network\n"
             << e.display() << '\n';
      return kBadInput;
    }
  }

  RunResult run;
  run.command = "formula";
  run.seed = check.campaign.seed;
  // Replays name the formulas whose values were checked: one whose shapes cannot work has no
  // value on any case and would only make the replay fail for that.
  FormulaArgs replayed;
  replayed.convention = formulas.convention;
  if (!output.quiet)
    io.out << "gradfuzz formula: " << read.read.size() << " formula"
           << (read.read.size() == 1 ? "" : "s") << ", " << check.campaign.cases
           << " networks per hidden activation, seed " << run.seed << '\n';
  for (std::size_t i = 0; i < read.read.size(); ++i) {
    const WrittenFormula& w = read.read[i];
    FormulaOutcome outcome;
    try {
      outcome = check_formula(w.formula, check);
    } catch (const std::invalid_argument& e) {  // FormulaError was ruled out above
      io.err << "gradfuzz formula: " << e.what() << '\n';
      return kBadInput;
    }
    if (!output.quiet) print_outcome(io.out, outcome, w.where, used[i], check.convention);
    if (outcome.shapes.finding)
      run.cases.push_back(shape_result(outcome, used[i]));
    else
      replayed.formulas.push_back(w.formula.text);
    for (HiddenResult& r : outcome.results) run.campaigns.push_back(std::move(r.campaign));
  }
  run.source_args = formula_words(replayed);
  if (!output.quiet) io.out << '\n';
  OutputArgs reports = output;
  reports.quiet = !verbose;
  return report_and_exit(run, reports, io);
}

}  // namespace gradfuzz::cli

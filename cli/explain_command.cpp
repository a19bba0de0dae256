// gradfuzz explain: the chain-rule derivation of a gradient, step by step, each step checked.

#include <cmath>
#include <cstdio>
#include <type_traits>

#include "gradfuzz/formula/derivation.hpp"
#include "gradfuzz/formula/parser.hpp"
#include "gradfuzz/recipe.hpp"
#include "options.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {
namespace {

constexpr const char* kHelp =
    "usage: gradfuzz explain QUANTITY [--layers n0,...,nL] [--activations a1,...,aL]\n"
    "                        [--loss bce|ce|mse] [--lambda X] [--batch m] [--seed S]\n"
    "\n"
    "Derives a gradient with the chain rule in the course's notation, one step per line, with\n"
    "the shapes for the network at hand and one sentence on why: why W[2] appears transposed,\n"
    "why dW and db carry 1/m and dZ does not. Every step is itself checked against finite\n"
    "differences of the cost J on a random network of that shape.\n"
    "\n"
    "QUANTITY is dZ, dA, dW or db with a layer: dz[1], dW2, db^{[1]}, dA[0], dZ[L].\n"
    "Without --layers the network is the course's: as deep as the quantity needs (at least 2\n"
    "layers), n0 = 3, hidden layers of 4, 5, ... units with tanh, one sigmoid output, bce.\n"
    "\n"
    "  gradfuzz explain dz[1]\n"
    "  gradfuzz explain dz[1] --layers 3,4,1 --activations tanh,sigmoid\n"
    "  gradfuzz explain dW[1] --layers 2,3,3,1 --activations relu,relu,sigmoid --lambda 0.7\n"
    "\n"
    "exit status: 0 every step verified, 1 a step did not check out, 2 bad usage.\n"
    "\n"
    "options";

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

template <class T>
T read_number(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= 0) || !std::isfinite(value) ||
      (std::is_integral_v<T> && (value != std::floor(value) || value > 1e6)))
    throw UsageError("--" + option + " " + text + ": expected a number >= 0");
  return static_cast<T>(value);
}

// The quantity named on the command line, at a layer of an L-layer network (L resolves dZ[L]).
struct Named {
  formula::Target target;
  std::string text;
};

Named read_quantity(const std::string& text) {
  const formula::Target target = formula::parse_target(text);
  if (target.layer.base == formula::LayerIndex::Base::l)
    throw formula::FormulaError(text, target.layer.span,
                                "name one layer (dz[1], dZ[L]), not every layer l");
  return {target, text};
}

NetSpec network(const Named& q, const std::string& layers, const std::string& activations,
                const std::string& loss, double lambda) {
  NetSpec spec;
  spec.lambda = lambda;
  std::vector<Activation> g;
  for (const std::string& name : split_list("activations", activations)) {
    const auto a = find_activation(name);
    if (!a) throw UsageError("--activations: unknown activation '" + name + "'");
    g.push_back(*a);
  }
  for (const std::string& n : split_list("layers", layers))
    spec.sizes.push_back(read_number<arma::uword>("layers", n));
  int L = !spec.sizes.empty() ? static_cast<int>(spec.sizes.size()) - 1
          : !g.empty()        ? static_cast<int>(g.size())
                              : 0;
  const bool symbolic_L = q.target.layer.base == formula::LayerIndex::Base::L;
  if (L == 0) {
    const int k = q.target.layer.offset;
    L = symbolic_L ? 2 : std::max(2, q.target.symbol == formula::Symbol::dA ? k + 1 : k);
  }
  std::optional<Loss> chosen;
  if (!loss.empty()) {
    chosen = find_loss(loss);
    if (!chosen) throw UsageError("--loss " + loss + ": expected bce, ce or mse");
  }
  if (g.empty()) {
    g.assign(static_cast<std::size_t>(L - 1), Activation::tanh);
    g.push_back(!chosen || *chosen == Loss::bce ? Activation::sigmoid
                : *chosen == Loss::ce           ? Activation::softmax
                                                : Activation::linear);
  }
  spec.activations = g;
  spec.loss = chosen                            ? *chosen
              : g.back() == Activation::sigmoid ? Loss::bce
              : g.back() == Activation::softmax ? Loss::ce
                                                : Loss::mse;
  if (spec.sizes.empty()) {
    spec.sizes.push_back(3);
    for (int k = 1; k < L; ++k) spec.sizes.push_back(static_cast<arma::uword>(3 + k));
    spec.sizes.push_back(spec.loss == Loss::ce ? 2 : 1);
  }
  try {
    validate(spec);
  } catch (const SpecError& e) {
    throw UsageError(e.what());
  }
  return spec;
}

std::string verdict(const CaseResult& r) {
  if (r.passed()) {
    double worst = 0;
    for (const QuantityCheck& q : r.checks) worst = std::max(worst, q.rel_diff);
    return "✓ verified, relative difference " + format("%.1e", worst);
  }
  return "✗ NOT verified" +
         (r.diagnosis ? " [" + r.diagnosis->id + "] " + r.diagnosis->message : std::string());
}

void print_step(std::ostream& out, const std::string& label, const formula::DerivationStep& s,
                const CaseResult& r) {
  out << "  " << label << s.formula << '\n'
      << "       shapes " << s.shapes.outline << ", here " << s.shapes.outline_here << "   "
      << verdict(r) << '\n'
      << "       " << s.why << '\n';
}

}  // namespace

int explain_command(const std::vector<std::string>& args, Streams io) {
  po::options_description options(kHelp);
  std::string quantity, layers, activations, loss, lambda = "0", batch = "5", seed = "1";
  options.add_options()("help,h", "show this help")(
      "quantity", po::value(&quantity), "the gradient to derive (also without the option)")(
      "layers", po::value(&layers), "the sizes n0,...,nL, e.g. 3,4,1")(
      "activations", po::value(&activations), "the activations a1,...,aL, e.g. tanh,sigmoid")(
      "loss", po::value(&loss), "bce, ce or mse (default: what the output activation fits)")(
      "lambda", po::value(&lambda)->default_value(lambda), "L2 strength")(
      "batch", po::value(&batch)->default_value(batch), "the number of examples m")(
      "seed", po::value(&seed)->default_value(seed), "seed of the random network's values");
  po::positional_options_description positional;
  positional.add("quantity", 1);
  po::variables_map vm;
  if (auto status = parse(args, options, &positional, vm, "explain", io)) return *status;

  Named named;
  NetSpec spec;
  CaseRecipe recipe;
  try {
    if (quantity.empty())
      throw UsageError("name the gradient to derive, e.g. gradfuzz explain dz[1]");
    named = read_quantity(quantity);
    spec = network(named, layers, activations, loss, read_number<double>("lambda", lambda));
    recipe.spec = spec;
    recipe.batch = read_number<arma::uword>("batch", batch);
    recipe.seed = read_number<std::uint64_t>("seed", seed);
    if (recipe.batch < 1) throw UsageError("--batch must be at least 1");
  } catch (const formula::FormulaError& e) {
    io.err << "gradfuzz explain: cannot read the quantity\n" << e.display() << '\n';
    return kBadInput;
  } catch (const UsageError& e) {
    io.err << "gradfuzz explain: " << e.what() << "\nsee 'gradfuzz explain --help'\n";
    return kBadInput;
  }
  const Quantity target = named.target.at(0, spec.depth());
  formula::Derivation d;
  try {
    d = formula::derive(target, spec, recipe.batch);
  } catch (const std::invalid_argument& e) {
    io.err << "gradfuzz explain: " << e.what() << '\n';
    return kBadInput;
  }
  const Case c = make_case(recipe);
  const std::vector<CaseResult> checks = formula::verify(d, c);

  std::ostream& out = io.out;
  out << "gradfuzz explain " << named.text << " on a " << spec.describe()
      << " network, m = " << recipe.batch << '\n'
      << "every step is checked against finite differences of J on a random network of this "
         "shape (seed "
      << recipe.seed << ")\n\n"
      << "  " << d.cost << '\n'
      << "       " << d.cost_why << "\n\n";
  bool all = true;
  for (std::size_t i = 0; i < d.steps.size(); ++i) {
    print_step(out, std::to_string(i + 1) + ". ", d.steps[i], checks[i]);
    all = all && checks[i].passed();
  }
  if (d.result) {
    out << '\n';
    print_step(out, "so ", *d.result, checks.back());
    all = all && checks.back().passed();
  }
  out << "\n  " << d.inv_m << '\n';
  if (!all) {
    out << "\ngradfuzz explain: a step did not check out; please report this with the command "
           "above\n";
    return kDiscrepancy;
  }
  return kPassed;
}

}  // namespace gradfuzz::cli

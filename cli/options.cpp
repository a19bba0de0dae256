#include "options.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <random>

#include "gradfuzz/case_size.hpp"
#include "gradfuzz/interruption.hpp"

#include <cerrno>
#include <cstring>

#include "gradfuzz/reports/console_reporter.hpp"
#include "gradfuzz/reports/html_reporter.hpp"
#include "gradfuzz/reports/json_reporter.hpp"
#include "gradfuzz/reports/junit_reporter.hpp"
#include "gradfuzz/reports/markdown_reporter.hpp"

namespace po = boost::program_options;

namespace gradfuzz::cli {
namespace {

std::string format_count(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

template <class T>
T number(const std::string& option, const std::string& text, const char* what) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    throw UsageError("--" + option + " " + text + ": expected " + what);
  return value;
}

// A whole number in [low, high], or UsageError naming the option, the range and why.
template <class T>
T bounded(const std::string& option, const std::string& text, T low, T high, const char* why) {
  const std::string range = "a whole number from " + std::to_string(low) + " to " +
                            std::to_string(high) + " (" + why + ")";
  const T value = number<T>(option, text, range.c_str());
  if (value < low || value > high)
    throw UsageError("--" + option + " " + text + ": expected " + range);
  return value;
}

std::string mebibytes(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f MiB", bytes / (1 << 20));
  return buffer;
}

// Refuses options whose largest case cannot be checked within --max-memory, before any is drawn.
void check_memory(const GeneratorOptions& g, const std::string& max_memory_text,
                  std::size_t max_memory) {
  NetSpec largest;
  std::string which;
  if (g.layers) {
    largest.sizes = *g.layers;
    which = "--layers";
  } else {
    largest.sizes.assign(static_cast<std::size_t>(g.max_layers) + 1, g.max_width);
    which = "--max-layers " + std::to_string(g.max_layers) + " and --max-width " +
            std::to_string(g.max_width);
  }
  const arma::uword m = g.batch ? *g.batch : g.max_batch;
  which += g.batch ? " with --batch " : " with --max-batch ";
  which += std::to_string(m);
  const CaseSize size = case_size(largest, static_cast<double>(m));
  const double limit = static_cast<double>(max_memory) * (1 << 20);
  if (size.bytes > limit)
    throw UsageError("the largest case that " + which + " draw(s) has " +
                     format_count(size.parameters) + " parameters and needs about " +
                     mebibytes(size.bytes) + " to check, above the limit --max-memory " +
                     max_memory_text + " (MiB): draw smaller cases, or raise --max-memory");
}

std::vector<Activation> activations(const std::string& option, const std::string& text) {
  std::vector<Activation> out;
  for (const auto& name : split_list(option, text)) {
    const auto a = find_activation(name);
    if (!a)
      throw UsageError("--" + option + " " + text + ": unknown activation '" + name +
                       "' (sigmoid, tanh, relu, leaky_relu, linear, softmax)");
    out.push_back(*a);
  }
  if (out.empty()) throw UsageError("--" + option + " is empty: give a comma-separated list");
  return out;
}

}  // namespace

std::vector<std::string> split_list(const std::string& option, const std::string& text) {
  std::vector<std::string> out;
  if (text.find_first_not_of(' ') == std::string::npos) return out;
  std::string item;
  for (char ch : text + ",") {
    if (ch == ',') {
      // "3,,1" is a typo, not the list 3,1.
      if (item.empty())
        throw UsageError("--" + option + " " + text + ": an item between two commas is empty");
      out.push_back(item);
      item.clear();
    } else if (ch != ' ') {
      item += ch;
    }
  }
  return out;
}

void add_campaign_options(po::options_description& d, CampaignArgs& a) {
  d.add_options()("cases", po::value(&a.cases)->default_value(a.cases), "number of cases to draw")(
      "seed", po::value(&a.seed)->default_value(a.seed),
      "seed of the campaign (a number); the same seed draws the same cases. 'random' picks one "
      "and prints it")("max-layers", po::value(&a.max_layers)->default_value(a.max_layers),
                       "deepest network drawn (layers with parameters)")(
      "max-width", po::value(&a.max_width)->default_value(a.max_width),
      "widest layer drawn, inputs included")(
      "max-batch", po::value(&a.max_batch)->default_value(a.max_batch), "largest batch m drawn")(
      "hidden", po::value(&a.hidden)->default_value(a.hidden),
      "activations drawn for hidden layers")(
      "output", po::value(&a.output)->default_value(a.output),
      "activations drawn for the output layer (each only with a loss it fits: bce needs "
      "sigmoid, ce softmax, mse anything but softmax)")(
      "loss", po::value(&a.loss)->default_value(a.loss), "losses drawn")(
      "lambda", po::value(&a.lambda), "L2 strength for every case (default: 0 or drawn > 0)")(
      "layers", po::value(&a.layers),
      "pin the sizes n0,...,nL, e.g. 784,128,64,10 (only values are drawn)")(
      "activations", po::value(&a.activations),
      "pin the activations a1,...,aL, e.g. relu,relu,sigmoid")("batch", po::value(&a.batch),
                                                               "pin the batch size m")(
      "scheme", po::value(&a.scheme)->default_value(a.scheme),
      "finite differences: central, forward, five-point or complex-step")(
      "mode", po::value(&a.mode)->default_value(a.mode),
      "full: every entry of every gradient by finite differences (2P+ forward passes). fast: "
      "directional derivatives along k random Gaussian directions (a few forward passes each), "
      "k chosen so that a wrong gradient whose error norm exceeds the stated threshold is "
      "missed with probability below --miss-probability; a failure is localized to the wrong "
      "quantity and entries by group testing, and the shrunk failing case is then checked in "
      "full to diagnose it")(
      "miss-probability", po::value(&a.miss_probability)->default_value(a.miss_probability),
      "fast mode: the chance of missing a wrong gradient above the stated error threshold, "
      "strictly between 0 and 1")(
      "max-memory", po::value(&a.max_memory)->default_value(a.max_memory),
      "MiB that checking one case may take: options whose largest case needs more (an "
      "estimate from its sizes) are refused before anything is drawn")(
      "shard", po::value(&a.shard)->default_value(a.shard),
      "K/N: check only cases K, K+N, K+2N, ... (to split one campaign over N CI jobs)")(
      "depth", po::value(&a.depth),
      "N or MIN,MAX: the number of layers drawn, in place of 1 to --max-layers (an adapter "
      "that declares its depth in hello gets it without this option; given both, the common "
      "part)")("output-units", po::value(&a.output_units),
               "N or MIN,MAX: the output layer's width nL, in place of 1 to --max-width (ce "
               "needs 2 at least; an adapter may declare output_units in hello)")(
      "same-hidden-activation", po::bool_switch(&a.same_hidden),
      "every hidden layer of a network gets the same activation (as scikit-learn's MLP)")(
      "labels", po::value(&a.labels)->default_value(a.labels),
      "hard: bce labels 0/1 and ce labels one-hot only; any: soft labels too");
}

CampaignOptions to_campaign_options(const CampaignArgs& a) {
  CampaignOptions o;
  // Bounds far beyond any real use, so that a typo is a message, not hours of drawing.
  o.cases = bounded<std::size_t>("cases", a.cases, 1, 1'000'000'000, "cases to draw");
  if (a.seed == "random") {
    std::random_device device;
    o.seed = (static_cast<std::uint64_t>(device()) << 32 | device()) % 1000000000;
  } else {
    o.seed = number<std::uint64_t>("seed", a.seed, "a non-negative integer or 'random'");
  }
  GeneratorOptions& g = o.generate;
  g.max_layers = bounded<int>("max-layers", a.max_layers, 1, 1000, "layers with parameters");
  g.max_width = bounded<arma::uword>("max-width", a.max_width, 1, 1'000'000, "units a layer");
  g.max_batch = bounded<arma::uword>("max-batch", a.max_batch, 1, 1'000'000, "examples a batch");
  const auto max_memory = bounded<std::size_t>("max-memory", a.max_memory, 1, std::size_t{1} << 30,
                                               "MiB a case may need");
  g.hidden = activations("hidden", a.hidden);
  g.output = activations("output", a.output);
  g.losses.clear();
  for (const auto& name : split_list("loss", a.loss)) {
    const auto loss = find_loss(name);
    if (!loss)
      throw UsageError("--loss " + a.loss + ": unknown loss '" + name + "' (bce, ce, mse)");
    g.losses.push_back(*loss);
  }
  if (g.losses.empty()) throw UsageError("--loss is empty: give bce, ce and/or mse");
  if (!a.lambda.empty()) g.lambda = number<double>("lambda", a.lambda, "a number >= 0");
  if (!a.layers.empty()) {
    std::vector<arma::uword> sizes;
    for (const auto& n : split_list("layers", a.layers))
      sizes.push_back(number<arma::uword>("layers", n, "sizes n0,...,nL, each >= 1"));
    g.layers = sizes;
  }
  if (!a.activations.empty()) g.activations = activations("activations", a.activations);
  if (!a.batch.empty()) g.batch = number<arma::uword>("batch", a.batch, "a batch size >= 1");
  const auto scheme = find_scheme(a.scheme);
  if (!scheme)
    throw UsageError("--scheme " + a.scheme +
                     ": expected central, forward, five-point or "
                     "complex-step");
  o.check.scheme = *scheme;
  const auto mode = find_mode(a.mode);
  if (!mode) throw UsageError("--mode " + a.mode + ": expected full or fast");
  o.check.mode = *mode;
  if (*mode == CheckMode::fast && *scheme != Scheme::central)
    throw UsageError("--scheme " + a.scheme +
                     " applies to --mode full; --mode fast takes directional derivatives "
                     "with its own five-point stencil (and a failing case found fast is then "
                     "checked entry by entry with central differences)");
  const double miss = number<double>("miss-probability", a.miss_probability,
                                     "a probability strictly between 0 and 1, e.g. 1e-6");
  if (!(miss > 0 && miss < 1))
    throw UsageError("--miss-probability " + a.miss_probability +
                     ": expected a probability strictly between 0 and 1, e.g. 1e-6");
  o.check.fast.miss_probability = miss;
  const auto slash = a.shard.find('/');
  if (slash == std::string::npos)
    throw UsageError("--shard " + a.shard + ": expected K/N, e.g. 2/4");
  const auto k = number<std::size_t>("shard", a.shard.substr(0, slash), "K/N with 1 <= K <= N");
  const auto n = number<std::size_t>("shard", a.shard.substr(slash + 1), "K/N with 1 <= K <= N");
  if (k < 1 || n < 1 || k > n)
    throw UsageError("--shard " + a.shard + ": expected K/N with 1 <= K <= N");
  o.shard = {k - 1, n};
  auto range = [](const std::string& option, const std::string& text) {
    const std::vector<std::string> parts = split_list(option, text);
    const char* what = "N or MIN,MAX with 1 <= MIN <= MAX";
    if (parts.empty() || parts.size() > 2)
      throw UsageError("--" + option + " " + text + ": expected " + what);
    const auto lo = number<arma::uword>(option, parts.front(), what);
    const auto hi = number<arma::uword>(option, parts.back(), what);
    if (lo < 1 || hi < lo) throw UsageError("--" + option + " " + text + ": expected " + what);
    return Range{lo, hi};
  };
  if (!a.depth.empty()) g.depth = range("depth", a.depth);
  if (!a.output_units.empty()) g.output_units = range("output-units", a.output_units);
  g.same_hidden_activation = a.same_hidden;
  if (a.labels == "hard")
    g.labels = {Labels::hard};
  else if (a.labels != "any")
    throw UsageError("--labels " + a.labels + ": expected hard or any");
  try {
    validate(o.generate);
    if (g.layers) {
      NetSpec pinned;
      pinned.sizes = *g.layers;
      check_size(pinned, g.batch.value_or(g.max_batch));
    }
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  check_memory(g, a.max_memory, max_memory);
  return o;
}

void add_output_options(po::options_description& d, OutputArgs& a) {
  // clang-format off
  d.add_options()
      ("json", po::value(&a.json), "write the results as JSON to this file (reports/SCHEMA.md)")
      ("junit", po::value(&a.junit), "write JUnit XML to this file (a testcase per quantity)")
      ("markdown", po::value(&a.markdown), "write Markdown to this file (fits a CI job summary)")
      ("html", po::value(&a.html), "write a self-contained HTML report to this file")
      ("quiet,q", po::bool_switch(&a.quiet), "print only the verdict line");
  // clang-format on
}

namespace {

// The same file, whether it exists yet or not, however the path is spelled.
bool same_file(const std::string& a, const std::string& b) {
  std::error_code error;
  if (std::filesystem::equivalent(a, b, error)) return true;
  const auto ca = std::filesystem::weakly_canonical(a, error);
  if (error) return a == b;
  const auto cb = std::filesystem::weakly_canonical(b, error);
  return error ? a == b : ca == cb;
}

}  // namespace

void check_outputs(const OutputArgs& a, const std::vector<std::string>& inputs) {
  const std::pair<const char*, const std::string*> outputs[] = {
      {"--json", &a.json}, {"--junit", &a.junit}, {"--markdown", &a.markdown}, {"--html", &a.html}};
  for (std::size_t i = 0; i < std::size(outputs); ++i) {
    const std::string& path = *outputs[i].second;
    if (path.empty()) continue;
    for (std::size_t k = i + 1; k < std::size(outputs); ++k)
      if (!outputs[k].second->empty() && same_file(path, *outputs[k].second))
        throw UsageError(std::string(outputs[i].first) + " and " + outputs[k].first +
                         " both name '" + path + "': give each report a file of its own");
    for (const std::string& input : inputs)
      if (same_file(path, input))
        throw UsageError(std::string(outputs[i].first) + " " + path + " is '" + input +
                         "', which this run reads: writing the report would overwrite it");
  }
}

std::vector<std::string> files_in_command(const std::string& command) {
  std::vector<std::string> files;
  std::string word;
  for (char ch : command + " ") {
    if (ch != ' ' && ch != '\t' && ch != '\'' && ch != '"') {
      word += ch;
      continue;
    }
    std::error_code error;
    if (!word.empty() && std::filesystem::is_regular_file(word, error)) files.push_back(word);
    word.clear();
  }
  return files;
}

namespace {

template <class R>
bool write_file(const std::string& path, const char* what, const RunResult& run, Streams io) {
  if (path.empty()) return true;
  std::ofstream file(path);
  if (file) R(file).report(run);
  if (!file || !file.flush()) {
    io.err << "gradfuzz: cannot write the " << what << " report to '" << path
           << "': " << std::strerror(errno) << "; check that the folder exists and is writable\n";
    return false;
  }
  return true;
}

}  // namespace

bool write_reports(const RunResult& run, const OutputArgs& a, Streams io) {
  // The files first: a console whose reader has gone (`| head`, a closed pipe: EPIPE, SIGPIPE
  // being ignored) must not cost them.
  bool ok = write_file<JsonReporter>(a.json, "JSON", run, io);
  ok = write_file<JunitReporter>(a.junit, "JUnit", run, io) && ok;
  ok = write_file<MarkdownReporter>(a.markdown, "Markdown", run, io) && ok;
  ok = write_file<HtmlReporter>(a.html, "HTML", run, io) && ok;
  ConsoleReporter(io.out, {a.quiet}).report(run);
  io.out.flush();
  return ok;
}

int report_and_exit(const RunResult& finished, const OutputArgs& args, Streams io) {
  RunResult run = finished;
  run.stopped = run.stopped || stop_requested();  // a signal came, maybe after the last case
  const bool written = write_reports(run, args, io);
  const int status = exit_status(run);
  return written || status != kPassed ? status : kBadInput;
}

int exit_status(const RunResult& run) {
  if (run.misbehaved()) return kMisbehaved;
  if (run.found_wrong()) return kDiscrepancy;
  // Refused: the code under test was not described well enough to be checked (bad input).
  if (run.refused()) return kBadInput;
  return run.passed() ? kPassed : kDiscrepancy;
}

std::optional<int> parse(const std::vector<std::string>& args, const po::options_description& d,
                         const po::positional_options_description* positional,
                         po::variables_map& vm, const char* command, Streams io) {
  try {
    po::command_line_parser parser(args);
    parser.options(d);
    if (positional) parser.positional(*positional);
    const po::parsed_options parsed = parser.run();
    // Without a positional description program_options keeps a stray word and ignores it:
    // `check --builtin reference extra` would run as if "extra" were not there.
    if (!positional)
      for (const po::option& o : parsed.options)
        if (o.position_key != -1)
          throw po::error("unexpected word '" + (o.value.empty() ? "" : o.value.front()) +
                          "' (every value follows its option, e.g. --cases 100)");
    po::store(parsed, vm);
    if (vm.count("help")) {
      io.out << d << '\n';
      return kPassed;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    io.err << "gradfuzz " << command << ": " << e.what() << "\nsee 'gradfuzz " << command
           << " --help'\n";
    return kBadInput;
  }
  return std::nullopt;
}

}  // namespace gradfuzz::cli

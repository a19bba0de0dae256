#include "json_codec.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include "gradfuzz/case_size.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/version.hpp"
#include "source_args.hpp"
#include "text.hpp"

namespace gradfuzz::detail {
namespace {

using json = nlohmann::ordered_json;

// Values of one case a results file may make gradfuzz draw again (1 GiB): far above what a
// run could have checked and written.
constexpr double kMaxCaseBytes = 1 << 30;

// JSON has no NaN or infinity: they are written as strings, a policy SCHEMA.md states.
json number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
}

double read_number(const json& j, const char* field) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  throw std::invalid_argument(std::string("'") + field + "' is not a number");
}

const json& need(const json& j, const char* field) {
  if (!j.is_object() || !j.contains(field))
    throw std::invalid_argument(std::string("missing field '") + field + "'");
  return j.at(field);
}

json matrix(const arma::mat& M) {
  if (M.n_elem > kMaxMatrixEntries) return nullptr;
  json rows = json::array();
  for (arma::uword i = 0; i < M.n_rows; ++i) {
    json row = json::array();
    for (arma::uword j = 0; j < M.n_cols; ++j) row.push_back(number(M(i, j)));
    rows.push_back(std::move(row));
  }
  return rows;
}

arma::mat read_matrix(const json& j, Shape shape, const char* field) {
  if (j.is_null()) return arma::mat();
  if (!j.is_array() || j.size() != shape.rows)
    throw std::invalid_argument(std::string("'") + field + "' is not a " + to_string(shape) +
                                " matrix");
  // Every row's length is checked before the matrix is made: the shape comes from the file.
  for (arma::uword i = 0; i < shape.rows; ++i)
    if (!j[i].is_array() || j[i].size() != shape.cols)
      throw std::invalid_argument(std::string("'") + field + "' row " + std::to_string(i) +
                                  " has the wrong length");
  arma::mat M(shape.rows, shape.cols);
  for (arma::uword i = 0; i < shape.rows; ++i)
    for (arma::uword c = 0; c < shape.cols; ++c) M(i, c) = read_number(j[i][c], field);
  return M;
}

json shape_json(Shape s) {
  return {s.rows, s.cols};
}
Shape read_shape(const json& j) {
  return {j.at(0).get<arma::uword>(), j.at(1).get<arma::uword>()};
}

json case_json(const Case& c) {
  json layers = json::array(), activations = json::array(), shapes = json::object();
  for (auto n : c.spec.sizes) layers.push_back(n);
  for (auto a : c.spec.activations) activations.push_back(std::string(to_string(a)));
  for (int l = 1; l <= c.depth(); ++l) {
    shapes["W" + std::to_string(l)] = {c.W_of(l).n_rows, c.W_of(l).n_cols};
    shapes["b" + std::to_string(l)] = {c.b_of(l).n_rows, c.b_of(l).n_cols};
  }
  shapes["X"] = {c.X.n_rows, c.X.n_cols};
  shapes["Y"] = {c.Y.n_rows, c.Y.n_cols};
  return {{"spec",
           {{"layers", layers},
            {"activations", activations},
            {"loss", std::string(to_string(c.spec.loss))},
            {"lambda", number(c.spec.lambda)},
            {"leaky_slope", number(c.spec.leaky_slope)},
            {"m", c.m()}}},
          {"shapes", shapes},
          {"replay", c.replay}};
}

Case read_case(const json& j) {
  const std::string replay = need(j, "replay").get<std::string>();
  if (replay.empty()) throw std::invalid_argument("a case has no replay string to recreate it");
  const CaseRecipe recipe = parse_recipe(replay);
  // The file is untrusted: its sizes are checked before the case's values are drawn.
  const CaseSize size = case_size(recipe.spec, static_cast<double>(recipe.batch));
  if (8 * (size.parameters + size.activations) > kMaxCaseBytes)
    throw std::invalid_argument("the case of replay '" + replay +
                                "' is too large for a results file to recreate");
  return make_case(recipe);
}

json diagnosis_json(const std::optional<Diagnosis>& d) {
  if (!d) return nullptr;
  json probes = json::array();
  for (const Probe& p : d->probes)
    probes.push_back({{"kind", p.kind},
                      {"purpose", p.purpose},
                      {"replay", p.replay},
                      {"outcome", p.outcome},
                      {"consistent", p.consistent},
                      {"contradicted", p.contradicted}});
  return {{"id", d->id},
          {"message", d->message},
          {"mutant", d->mutant ? json(*d->mutant) : json(nullptr)},
          {"layer", d->layer ? json(*d->layer) : json(nullptr)},
          {"ids", d->ids},
          {"hypothesis", d->hypothesis},
          {"evidence", d->evidence},
          {"probes", probes}};
}

std::optional<Diagnosis> read_diagnosis(const json& j) {
  if (j.is_null()) return std::nullopt;
  Diagnosis d{need(j, "id").get<std::string>(), need(j, "message").get<std::string>(), {}, {}};
  if (j.contains("mutant") && !j["mutant"].is_null()) d.mutant = j["mutant"].get<std::string>();
  if (j.contains("layer") && !j["layer"].is_null()) d.layer = j["layer"].get<int>();
  // Written since the hypothesis search; a file of before has none of them.
  if (j.contains("ids")) d.ids = j["ids"].get<std::vector<std::string>>();
  if (j.contains("hypothesis")) d.hypothesis = j["hypothesis"].get<std::string>();
  if (j.contains("evidence")) d.evidence = j["evidence"].get<std::string>();
  if (j.contains("probes"))
    for (const json& p : j["probes"])
      d.probes.push_back({need(p, "kind").get<std::string>(), need(p, "purpose").get<std::string>(),
                          need(p, "replay").get<std::string>(),
                          need(p, "outcome").get<std::string>(),
                          need(p, "consistent").get<std::vector<std::string>>(),
                          need(p, "contradicted").get<std::vector<std::string>>()});
  return d;
}

json entry_json(const EntryError& e) {
  return {{"row", e.row},
          {"col", e.col},
          {"claimed", number(e.claimed)},
          {"numeric", number(e.numeric)},
          {"abs_error", number(e.abs_error)},
          {"rel_error", number(e.rel_error)},
          {"at_kink", e.at_kink}};
}

EntryError read_entry(const json& j) {
  return {need(j, "row").get<arma::uword>(),
          need(j, "col").get<arma::uword>(),
          read_number(need(j, "claimed"), "claimed"),
          read_number(need(j, "numeric"), "numeric"),
          read_number(need(j, "abs_error"), "abs_error"),
          read_number(need(j, "rel_error"), "rel_error"),
          need(j, "at_kink").get<bool>()};
}

json fast_json(const FastSummary& f) {
  return {{"directions", f.directions},
          {"replaced", f.replaced},
          {"kink_directions", f.kink_directions},
          {"step_halvings", f.step_halvings},
          {"localize_tests", f.localize_tests},
          {"cost_evaluations", f.cost_evaluations},
          {"miss_probability", number(f.miss_probability)},
          {"tolerance", number(f.tolerance)},
          {"threshold", number(f.threshold)},
          {"relative_threshold", number(f.relative_threshold)},
          {"diagnosed_by_full_check", f.diagnosed_by_full_check},
          {"statement", f.statement()}};
}

// Present only for fast-mode results, so full-mode files are unchanged.
std::optional<FastSummary> read_fast(const json& j) {
  if (!j.contains("fast") || j["fast"].is_null()) return std::nullopt;
  const json& f = j["fast"];
  FastSummary s;
  s.directions = need(f, "directions").get<std::size_t>();
  s.replaced = need(f, "replaced").get<std::size_t>();
  s.kink_directions = need(f, "kink_directions").get<std::size_t>();
  s.step_halvings = need(f, "step_halvings").get<std::size_t>();
  s.localize_tests = need(f, "localize_tests").get<std::size_t>();
  s.cost_evaluations = need(f, "cost_evaluations").get<std::size_t>();
  s.miss_probability = read_number(need(f, "miss_probability"), "miss_probability");
  s.tolerance = read_number(need(f, "tolerance"), "tolerance");
  s.threshold = read_number(need(f, "threshold"), "threshold");
  s.relative_threshold = read_number(need(f, "relative_threshold"), "relative_threshold");
  s.diagnosed_by_full_check = need(f, "diagnosed_by_full_check").get<bool>();
  return s;
}

json check_json(const QuantityCheck& q) {
  json convergence = json::array();
  for (const auto& p : q.convergence)
    convergence.push_back({number(p.step), number(p.estimate), number(p.error)});
  json out = {
      {"quantity", q.quantity.name()},
      {"passed", q.passed},
      {"expected_convention", std::string(to_string(q.expected))},
      {"convention_matched", q.matched ? std::string(to_string(*q.matched)) : "none"},
      {"rel_diff", number(q.rel_diff)},
      {"claimed_shape", shape_json(q.claimed_shape)},
      {"expected_shape", shape_json(q.expected_shape)},
      {"non_finite", q.non_finite},
      {"failing_entries", q.failing_entries},
      {"kink_entries", q.kink_entries},
      {"kink_unverified", q.kink_unverified},
      {"borderline_settled", q.borderline_settled},
      {"worst", entry_json(q.worst)},
      {"claimed", matrix(q.claimed)},
      {"numeric", matrix(q.numeric)},
      {"convergence", convergence},
      {"convergence_order", q.convergence_verdict ? number(q.convergence_order) : json(nullptr)},
      {"convergence_verdict",
       q.convergence_verdict ? json(to_string(*q.convergence_verdict)) : json(nullptr)}};
  if (q.directional) {
    out["directional"] = true;
    json localized = json::array();
    for (const auto& e : q.localized) localized.push_back(entry_json(e));
    out["localized"] = localized;
  }
  return out;
}

QuantityCheck read_check(const json& j) {
  QuantityCheck q;
  const auto name = need(j, "quantity").get<std::string>();
  const auto quantity = parse_quantity(name);
  if (!quantity) throw std::invalid_argument("unknown quantity '" + name + "'");
  q.quantity = *quantity;
  q.passed = need(j, "passed").get<bool>();
  q.expected =
      find_convention(need(j, "expected_convention").get<std::string>()).value_or(Convention::mean);
  q.matched = find_convention(need(j, "convention_matched").get<std::string>());
  q.rel_diff = read_number(need(j, "rel_diff"), "rel_diff");
  q.claimed_shape = read_shape(need(j, "claimed_shape"));
  q.expected_shape = read_shape(need(j, "expected_shape"));
  q.non_finite = need(j, "non_finite").get<bool>();
  q.failing_entries = need(j, "failing_entries").get<arma::uword>();
  q.kink_entries = need(j, "kink_entries").get<arma::uword>();
  q.kink_unverified = need(j, "kink_unverified").get<arma::uword>();
  q.borderline_settled = need(j, "borderline_settled").get<arma::uword>();
  q.worst = read_entry(need(j, "worst"));
  q.claimed = read_matrix(need(j, "claimed"), q.claimed_shape, "claimed");
  q.numeric = read_matrix(need(j, "numeric"), q.expected_shape, "numeric");
  for (const json& p : need(j, "convergence"))
    q.convergence.push_back({read_number(p.at(0), "step"), read_number(p.at(1), "estimate"),
                             read_number(p.at(2), "error")});
  if (const json& verdict = need(j, "convergence_verdict"); !verdict.is_null()) {
    const auto text = verdict.get<std::string>();
    const auto v = find_convergence(text);
    if (!v) throw std::invalid_argument("unknown convergence verdict '" + text + "'");
    q.convergence_verdict = *v;
    q.convergence_order = read_number(need(j, "convergence_order"), "convergence_order");
  }
  q.directional = j.contains("directional") && j["directional"].get<bool>();
  if (j.contains("localized"))
    for (const json& e : j["localized"]) q.localized.push_back(read_entry(e));
  return q;
}

json cost_json(const std::optional<CostCheck>& cost) {
  if (!cost) return nullptr;
  return {{"claimed", number(cost->claimed)},       {"reference", number(cost->reference)},
          {"allowed", number(cost->allowed)},       {"abs_error", number(cost->abs_error())},
          {"rel_error", number(cost->rel_error())}, {"passed", cost->passed}};
}

std::optional<CostCheck> read_cost(const json& j) {
  if (j.is_null()) return std::nullopt;
  return CostCheck{read_number(need(j, "claimed"), "claimed"),
                   read_number(need(j, "reference"), "reference"),
                   read_number(need(j, "allowed"), "allowed"), need(j, "passed").get<bool>()};
}

json case_result_json(const CaseResult& r) {
  json checks = json::array();
  for (const auto& q : r.checks) checks.push_back(check_json(q));
  json out = {{"source", r.source},
              {"scheme", std::string(to_string(r.scheme))},
              {"numeric_from", std::string(to_string(r.numeric_from))},
              {"cost", cost_json(r.cost)},
              {"case", case_json(r.c)},
              {"passed", r.passed()},
              {"source_error", r.source_error ? json(*r.source_error) : json(nullptr)},
              {"diagnosis", diagnosis_json(r.diagnosis)},
              {"checks", checks}};
  if (r.fast) out["fast"] = fast_json(*r.fast);
  if (r.unsupported) out["unsupported"] = *r.unsupported;
  return out;
}

CaseResult read_case_result(const json& j) {
  CaseResult r;
  r.c = read_case(need(j, "case"));
  r.source = need(j, "source").get<std::string>();
  r.scheme = find_scheme(need(j, "scheme").get<std::string>()).value_or(Scheme::central);
  // Results written before the cost check have neither field.
  if (j.contains("numeric_from"))
    r.numeric_from =
        find_numeric_from(j["numeric_from"].get<std::string>()).value_or(NumericFrom::reference);
  if (j.contains("cost")) r.cost = read_cost(j["cost"]);
  if (!need(j, "source_error").is_null()) r.source_error = j["source_error"].get<std::string>();
  r.diagnosis = read_diagnosis(need(j, "diagnosis"));
  for (const json& q : need(j, "checks")) r.checks.push_back(read_check(q));
  r.fast = read_fast(j);
  if (j.contains("unsupported")) r.unsupported = j["unsupported"].get<std::string>();
  return r;
}

// A range as hello writes it: a number when exact, [min, max] otherwise.
json range_json(const Range& r) {
  return r.min == r.max ? json(r.min) : json::array({r.min, r.max});
}

Range read_range(const json& j) {
  if (j.is_array()) return {j.at(0).get<arma::uword>(), j.at(1).get<arma::uword>()};
  return {j.get<arma::uword>(), j.get<arma::uword>()};
}

std::vector<Activation> read_activations(const json& j) {
  std::vector<Activation> out;
  for (const json& name : j)
    if (const auto a = find_activation(name.get<std::string>())) out.push_back(*a);
  return out;
}

// What a source declared, with the hello's field names (docs/PROTOCOL.md 1.1); only the fields
// it declared.
json declared_json(const NetworkBounds& d) {
  json out = json::object();
  auto names = [](const std::vector<Activation>& list) {
    json a = json::array();
    for (Activation g : list) a.push_back(std::string(to_string(g)));
    return a;
  };
  if (d.hidden_activations) out["hidden_activations"] = names(*d.hidden_activations);
  if (d.output_activations) out["output_activations"] = names(*d.output_activations);
  if (d.same_hidden_activation) out["same_hidden_activation"] = true;
  if (d.depth) out["depth"] = range_json(*d.depth);
  if (d.output_units) out["output_units"] = range_json(*d.output_units);
  if (d.max_width) out["max_width"] = *d.max_width;
  if (d.max_batch) out["max_batch"] = *d.max_batch;
  if (d.hard_labels) out["labels"] = "hard";
  return out;
}

NetworkBounds read_declared(const json& j) {
  NetworkBounds d;
  if (j.contains("hidden_activations"))
    d.hidden_activations = read_activations(j["hidden_activations"]);
  if (j.contains("output_activations"))
    d.output_activations = read_activations(j["output_activations"]);
  d.same_hidden_activation = j.value("same_hidden_activation", false);
  if (j.contains("depth")) d.depth = read_range(j["depth"]);
  if (j.contains("output_units")) d.output_units = read_range(j["output_units"]);
  if (j.contains("max_width")) d.max_width = j["max_width"].get<arma::uword>();
  if (j.contains("max_batch")) d.max_batch = j["max_batch"].get<arma::uword>();
  d.hard_labels = j.value("labels", std::string("any")) == "hard";
  return d;
}

json campaign_json(const CampaignResult& c) {
  json quantities = json::array();
  for (const auto& q : c.quantities)
    quantities.push_back(
        {{"name", q.name},
         {"cases", q.cases},
         {"max_rel_diff", number(q.max_rel_diff)},
         {"failures", q.failures},
         {"convention_matched", q.matched ? std::string(to_string(*q.matched)) : "none"},
         {"compared", q.compared}});
  json failure = nullptr;
  if (c.failure)
    failure = {{"case_number", c.failure->case_number},
               {"found", case_result_json(c.failure->found)},
               {"shrunk", case_result_json(c.failure->shrunk)},
               {"shrink_steps", c.failure->shrink_steps},
               {"shrink_checks", c.failure->shrink_checks}};
  json out = {{"source", c.source},
              {"seed", c.seed},
              {"shard", {c.shard.index + 1, c.shard.count}},
              {"cases_planned", c.cases_planned},
              {"cases_run", c.cases_run},
              {"kink_entries", c.kink_entries},
              {"kink_unverified", c.kink_unverified},
              {"borderline_settled", c.borderline_settled},
              {"passed", c.passed()},
              {"quantities", quantities},
              {"failure", failure},
              {"misbehaviour", c.misbehaviour ? json(*c.misbehaviour) : json(nullptr)},
              {"interrupted", c.interrupted}};
  json skipped = json::array();
  for (const SkipReason& s : c.skips)
    skipped.push_back({{"reason", s.reason}, {"cases", s.cases}, {"case", case_json(s.example)}});
  out["declared"] = declared_json(c.declared);
  out["cases_skipped"] = c.cases_skipped;
  out["skipped"] = skipped;
  out["mostly_refused"] = c.mostly_refused();
  out["refusal_hints"] = c.refusal_hints;
  if (c.fast) out["fast"] = fast_json(*c.fast);
  return out;
}

CampaignResult read_campaign(const json& j) {
  CampaignResult c;
  c.source = need(j, "source").get<std::string>();
  c.seed = need(j, "seed").get<std::uint64_t>();
  const json& shard = need(j, "shard");
  c.shard = {shard.at(0).get<std::size_t>() - 1, shard.at(1).get<std::size_t>()};
  c.cases_planned = need(j, "cases_planned").get<std::size_t>();
  c.cases_run = need(j, "cases_run").get<std::size_t>();
  c.kink_entries = need(j, "kink_entries").get<arma::uword>();
  c.kink_unverified = need(j, "kink_unverified").get<arma::uword>();
  c.borderline_settled = need(j, "borderline_settled").get<arma::uword>();
  for (const json& q : need(j, "quantities")) {
    const auto cases = need(q, "cases").get<std::size_t>();
    // Results written before `compared` compared every case.
    c.quantities.push_back({need(q, "name").get<std::string>(), cases,
                            read_number(need(q, "max_rel_diff"), "max_rel_diff"),
                            need(q, "failures").get<std::size_t>(),
                            q.contains("compared") ? q["compared"].get<std::size_t>() : cases});
    // Written since the summary kept it; before, the JSON top level assumed mean.
    if (q.contains("convention_matched"))
      c.quantities.back().matched = find_convention(q["convention_matched"].get<std::string>());
  }
  const json& f = need(j, "failure");
  if (!f.is_null())
    c.failure =
        Failure{need(f, "case_number").get<std::size_t>(), read_case_result(need(f, "found")),
                read_case_result(need(f, "shrunk")), need(f, "shrink_steps").get<std::size_t>(),
                need(f, "shrink_checks").get<std::size_t>()};
  if (!need(j, "misbehaviour").is_null()) c.misbehaviour = j["misbehaviour"].get<std::string>();
  // Files written before interruption was reported lack the field.
  c.interrupted = j.contains("interrupted") && j["interrupted"].get<bool>();
  // Results written before protocol 1.1 have none of these.
  if (j.contains("declared")) c.declared = read_declared(j["declared"]);
  c.cases_skipped = j.value("cases_skipped", std::size_t{0});
  if (j.contains("skipped"))
    for (const json& s : j["skipped"])
      c.skips.push_back({need(s, "reason").get<std::string>(), need(s, "cases").get<std::size_t>(),
                         read_case(need(s, "case"))});
  if (j.contains("refusal_hints"))
    c.refusal_hints = j["refusal_hints"].get<std::vector<std::string>>();
  c.fast = read_fast(j);
  return c;
}

// The contract's summary views: one entry per checked quantity, one per failing quantity.
json summary_checks(const RunResult& run) {
  // Keyed in report order: the quantities (parameters, then intermediates), then the cost.
  using Key = std::pair<std::optional<Quantity>, std::string>;
  auto key = [](const std::string& name) -> Key {
    const auto q = parse_quantity(name);
    return {q, q ? "" : name};
  };
  auto order = [](const Key& a, const Key& b) {
    if (a.first && b.first) return *a.first < *b.first;
    if (a.first || b.first) return a.first.has_value();
    return a.second < b.second;
  };
  std::map<Key, json, decltype(order)> checks(order);
  auto merge = [&](const std::string& name, std::size_t cases, double rel, std::size_t failures) {
    json& c = checks[key(name)];
    if (c.is_null()) c = {{"name", name}, {"cases", 0}, {"failures", 0}, {"max_rel_error", 0.0}};
    c["cases"] = c["cases"].get<std::size_t>() + cases;
    c["failures"] = c["failures"].get<std::size_t>() + failures;
    if (std::isnan(rel) ||
        (c["max_rel_error"].is_number() && rel > c["max_rel_error"].get<double>()))
      c["max_rel_error"] = number(rel);
  };
  for (const auto& r : run.cases) {
    for (const auto& q : r.checks) merge(q.quantity.name(), 1, q.rel_diff, q.passed ? 0 : 1);
    if (r.cost) merge("cost", 1, r.cost->rel_error(), r.cost->passed ? 0 : 1);
  }
  for (const auto& c : run.campaigns)
    for (const auto& q : c.quantities) merge(q.name, q.cases, q.max_rel_diff, q.failures);
  // The convention a quantity matched: that of its failing check, if one failed.
  std::map<Key, std::string, decltype(order)> matched(order);
  auto note = [&](const CaseResult& r) {
    for (const auto& q : r.checks)
      if (!q.passed)
        matched[key(q.quantity.name())] = q.matched ? std::string(to_string(*q.matched)) : "none";
    if (r.cost && !r.cost->passed) matched[key("cost")] = "none";
  };
  // A passing quantity's is the one its passing cases matched (sum for code of the summed
  // loss); a failing check's, noted after, takes precedence.
  for (const auto& c : run.campaigns)
    for (const auto& q : c.quantities)
      if (q.matched) matched[key(q.name)] = std::string(to_string(*q.matched));
  for (const auto& r : run.cases)
    for (const auto& q : r.checks)
      if (q.passed && q.matched)
        matched[key(q.quantity.name())] = std::string(to_string(*q.matched));
  for (const auto& r : run.cases) note(r);
  for (const auto& c : run.campaigns)
    if (c.failure) note(c.failure->shrunk);
  json out = json::array();
  for (auto& [k, c] : checks) {
    const bool passed = c["failures"].get<std::size_t>() == 0;
    c["passed"] = passed;
    // J is always the mean (PROTOCOL.md), whatever the source's convention.
    const bool mean = !k.first || k.first->is_parameter();
    c["convention_matched"] =
        matched.contains(k) ? matched[k]
                            : std::string(to_string(mean ? Convention::mean : Convention::sum));
    out.push_back(c);
  }
  return out;
}

json summary_failures(const RunResult& run) {
  json out = json::array();
  auto add = [&](const CaseResult& found, const CaseResult& shrunk) {
    auto one = [&](const QuantityCheck* q) {
      json f = {{"source", shrunk.source},
                {"case", case_json(found.c)},
                {"shrunk", case_json(shrunk.c)},
                {"quantity", q ? json(q->quantity.name()) : json(nullptr)},
                {"entries", json::array()},
                {"diagnosis", diagnosis_json(shrunk.diagnosis)},
                {"replay_command", replay_command(run, shrunk.c)}};
      if (q && q->shape_ok())
        for (arma::uword c = 0; c < q->claimed.n_cols; ++c)
          for (arma::uword r = 0; r < q->claimed.n_rows && f["entries"].size() < 1000; ++r) {
            const double g = q->claimed(r, c), n = q->numeric(r, c);
            f["entries"].push_back({{"row", r},
                                    {"col", c},
                                    {"claimed", number(g)},
                                    {"numeric", number(n)},
                                    {"abs_error", number(std::abs(g - n))},
                                    {"rel_error", number(relative_error(g, n))}});
          }
      if (shrunk.source_error) f["source_error"] = *shrunk.source_error;
      out.push_back(f);
    };
    const auto bad = shrunk.failures();
    if (bad.empty()) one(nullptr);
    for (const QuantityCheck* q : bad) one(q);
  };
  for (const auto& r : run.cases)
    if (!r.passed()) add(r, r);
  for (const auto& c : run.campaigns)
    if (c.failure) add(c.failure->found, c.failure->shrunk);
  return out;
}

}  // namespace

json to_json(const RunResult& run) {
  json cases = json::array(), campaigns = json::array(), mutants = json::array();
  std::size_t cases_skipped = 0;
  for (const auto& r : run.cases) cases_skipped += r.skipped() ? 1 : 0;
  for (const auto& c : run.campaigns) cases_skipped += c.cases_skipped;
  for (const auto& r : run.cases) cases.push_back(case_result_json(r));
  for (const auto& c : run.campaigns) campaigns.push_back(campaign_json(c));
  for (const auto& m : run.mutants) {
    json entry = {
        {"name", m.name},
        {"expected_diagnosis", m.expected_diagnosis},
        {"description", m.description},
        {"caught", m.caught()},
        {"diagnosed_as_expected", m.diagnosed_as_expected()},
        {"cases_to_catch", m.caught() ? json(m.campaign.failure->case_number) : json(nullptr)},
        {"diagnosis",
         m.caught() ? diagnosis_json(m.campaign.failure->shrunk.diagnosis) : json(nullptr)},
        {"campaign", campaign_json(m.campaign)}};
    mutants.push_back(entry);
  }
  json out = {{"tool", "gradfuzz"},
              {"version", kVersion},
              {"schema_version", kSchemaVersion},
              {"command", run.command},
              {"source_args", run.source_args},
              {"seed", run.seed},
              {"passed", run.passed()},
              {"misbehaved", run.misbehaved()},
              {"interrupted", run.interrupted()},
              {"refused", run.refused()},
              {"cases_run", run.cases_run()},
              {"cases_skipped", cases_skipped},
              {"kink_entries", run.kink_entries()},
              {"checks", summary_checks(run)},
              {"failures", summary_failures(run)},
              {"cases", cases},
              {"campaigns", campaigns},
              {"mutants", mutants}};
  if (run.shards > 0) {  // a merge of shards
    out["shards"] = run.shards;
    out["missing_shards"] = run.missing_shards;
    out["partial"] = !run.missing_shards.empty();
  }
  return out;
}

RunResult run_from_json(const json& j) {
  if (need(j, "tool") != "gradfuzz") throw std::invalid_argument("not a gradfuzz results file");
  const json& schema = need(j, "schema_version");
  if (!schema.is_number_integer())  // get<int>() would read 1.5 as 1
    throw std::invalid_argument("schema_version " + schema.dump() + " (this gradfuzz reads " +
                                std::to_string(kSchemaVersion) + ")");
  const int version = schema.get<int>();
  if (version != kSchemaVersion)
    throw std::invalid_argument("schema_version " + std::to_string(version) +
                                " (this gradfuzz reads " + std::to_string(kSchemaVersion) + ")");
  RunResult run;
  run.command = need(j, "command").get<std::string>();
  // Printed in replay commands to copy and paste: rebuilt from validated, quoted parts.
  run.source_args = canonical_source_args(need(j, "source_args").get<std::string>());
  run.seed = need(j, "seed").get<std::uint64_t>();
  run.stopped = j.contains("interrupted") && j["interrupted"].get<bool>();
  if (j.contains("shards")) {
    run.shards = j["shards"].get<std::size_t>();
    for (const json& k : need(j, "missing_shards"))
      run.missing_shards.push_back(k.get<std::size_t>());
  }
  for (const json& c : need(j, "cases")) run.cases.push_back(read_case_result(c));
  for (const json& c : need(j, "campaigns")) run.campaigns.push_back(read_campaign(c));
  for (const json& m : need(j, "mutants"))
    run.mutants.push_back(
        {need(m, "name").get<std::string>(), need(m, "expected_diagnosis").get<std::string>(),
         need(m, "description").get<std::string>(), read_campaign(need(m, "campaign"))});
  return run;
}

}  // namespace gradfuzz::detail

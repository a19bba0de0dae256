#include "gradfuzz/reports/json_reporter.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "gradfuzz/version.hpp"

namespace gradfuzz {
namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;
constexpr std::size_t kMaxEntries = 1000;  // per quantity; the largest errors first

json number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
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

json diagnosis_json(const std::optional<Diagnosis>& d) {
  if (!d) return nullptr;
  json out = {{"id", d->id}, {"message", d->message}};
  out["mutant"] = d->mutant ? json(*d->mutant) : json(nullptr);
  out["layer"] = d->layer ? json(*d->layer) : json(nullptr);
  return out;
}

json entries_json(const QuantityCheck& q) {
  json entries = json::array();
  if (!q.shape_ok()) return entries;
  struct Row {
    arma::uword r, c;
    double error;
  };
  std::vector<Row> rows;
  for (arma::uword c = 0; c < q.claimed.n_cols; ++c)
    for (arma::uword r = 0; r < q.claimed.n_rows; ++r) {
      const double e = std::abs(q.claimed(r, c) - q.numeric(r, c));
      rows.push_back({r, c, std::isnan(e) ? HUGE_VAL : e});
    }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.error > b.error; });
  if (rows.size() > kMaxEntries) rows.resize(kMaxEntries);
  for (const Row& row : rows) {
    const double g = q.claimed(row.r, row.c), n = q.numeric(row.r, row.c);
    const double scale = std::max(std::abs(g), std::abs(n));
    entries.push_back({{"row", row.r},
                       {"col", row.c},
                       {"claimed", number(g)},
                       {"numeric", number(n)},
                       {"abs_error", number(std::abs(g - n))},
                       {"rel_error", number(scale > 0 ? std::abs(g - n) / scale : 0.0)}});
  }
  return entries;
}

json check_json(const QuantityCheck& q) {
  return {{"quantity", q.quantity.name()},
          {"passed", q.passed},
          {"rel_diff", number(q.rel_diff)},
          {"expected_convention", std::string(to_string(q.expected))},
          {"convention_matched", q.matched ? std::string(to_string(*q.matched)) : "none"},
          {"claimed_shape", {q.claimed_shape.rows, q.claimed_shape.cols}},
          {"expected_shape", {q.expected_shape.rows, q.expected_shape.cols}},
          {"failing_entries", q.failing_entries},
          {"kink_entries", q.kink_entries}};
}

void add_failures(json& failures, const CaseResult& found, const CaseResult& shrunk,
                  const std::string& source, const std::string& replay_command) {
  auto one = [&](const QuantityCheck* q) {
    json f = {{"source", source},
              {"case", case_json(found.c)},
              {"shrunk", case_json(shrunk.c)},
              {"quantity", q ? json(q->quantity.name()) : json(nullptr)},
              {"entries", q ? entries_json(*q) : json::array()},
              {"diagnosis", diagnosis_json(shrunk.diagnosis)},
              {"replay_command", replay_command}};
    if (q) f["check"] = check_json(*q);
    if (shrunk.source_error) f["source_error"] = *shrunk.source_error;
    failures.push_back(f);
  };
  const auto bad = shrunk.failures();
  if (bad.empty()) one(nullptr);
  for (const QuantityCheck* q : bad) one(q);
}

std::string replay(const RunResult& run, const Case& c) {
  return "gradfuzz replay '" + c.replay + "'" +
         (run.source_args.empty() ? "" : " " + run.source_args);
}

}  // namespace

void JsonReporter::report(const RunResult& run) {
  // Per quantity name over every case and campaign expected to pass.
  std::map<Quantity, json> checks;
  auto merge = [&](const std::string& name, std::size_t cases, double rel, std::size_t failures,
                   const std::optional<Convention>& matched) {
    const Quantity q = *parse_quantity(name);
    json& c = checks[q];
    if (c.is_null()) c = {{"name", name}, {"cases", 0}, {"failures", 0}, {"max_rel_error", 0.0}};
    c["cases"] = c["cases"].get<std::size_t>() + cases;
    c["failures"] = c["failures"].get<std::size_t>() + failures;
    const json& old = c["max_rel_error"];
    if (std::isnan(rel) || (old.is_number() && rel > old.get<double>()))
      c["max_rel_error"] = number(rel);
    if (matched) c["convention_matched"] = std::string(to_string(*matched));
    c["passed"] = c["failures"].get<std::size_t>() == 0;
  };
  json failures = json::array();
  for (const CaseResult& r : run.cases) {
    for (const QuantityCheck& q : r.checks)
      merge(q.quantity.name(), 1, q.rel_diff, q.passed ? 0 : 1,
            q.matched ? q.matched : std::optional<Convention>{});
    if (!r.passed()) add_failures(failures, r, r, r.source, replay(run, r.c));
  }
  json campaigns = json::array();
  for (const CampaignResult& c : run.campaigns) {
    for (const QuantitySummary& q : c.quantities)
      merge(q.name, q.cases, q.max_rel_diff, q.failures, {});
    if (c.failure)
      add_failures(failures, c.failure->found, c.failure->shrunk, c.source,
                   replay(run, c.failure->shrunk.c));
    campaigns.push_back(
        {{"source", c.source},
         {"seed", c.seed},
         {"shard", std::to_string(c.shard.index + 1) + "/" + std::to_string(c.shard.count)},
         {"cases_planned", c.cases_planned},
         {"cases_run", c.cases_run},
         {"kink_entries", c.kink_entries},
         {"kink_unverified", c.kink_unverified},
         {"passed", c.passed()},
         {"misbehaviour", c.misbehaviour ? json(*c.misbehaviour) : json(nullptr)}});
  }
  json check_list = json::array();
  for (auto& [q, c] : checks) {
    if (!c.contains("convention_matched"))
      c["convention_matched"] =
          c["failures"].get<std::size_t>() == 0
              ? std::string(to_string(q.is_parameter() ? Convention::mean : Convention::sum))
              : "none";
    check_list.push_back(c);
  }
  json mutants = json::array();
  for (const MutantOutcome& m : run.mutants) {
    json entry = {{"name", m.name},
                  {"expected_diagnosis", m.expected_diagnosis},
                  {"description", m.description},
                  {"caught", m.caught()},
                  {"diagnosed_as_expected", m.diagnosed_as_expected()}};
    if (m.caught()) {
      const Failure& f = *m.campaign.failure;
      entry["cases_to_catch"] = f.case_number;
      entry["diagnosis"] = diagnosis_json(f.shrunk.diagnosis);
      entry["shrunk"] = case_json(f.shrunk.c);
      entry["shrink_steps"] = f.shrink_steps;
    } else {
      entry["cases_to_catch"] = nullptr;
      entry["diagnosis"] = nullptr;
      entry["shrunk"] = nullptr;
    }
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
              {"cases_run", run.cases_run()},
              {"kink_entries", run.kink_entries()},
              {"checks", check_list},
              {"failures", failures},
              {"campaigns", campaigns},
              {"mutants", mutants}};
  out_ << out.dump(2) << '\n';
}

}  // namespace gradfuzz

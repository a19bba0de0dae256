#include "gradfuzz/fuzz/campaign.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace gradfuzz {
namespace {

rc::Shrinkable<CaseRecipe> draw(const rc::Gen<CaseRecipe>& gen, std::uint64_t seed,
                                std::size_t index) {
  const rc::Random random(
      rc::Random::Key{seed, static_cast<std::uint64_t>(index), 0x6772616466757a7aULL, 1});
  return gen(random, rc::kNominalSize);
}

void tally(std::map<std::string, QuantitySummary>& summary, const CaseResult& r) {
  for (const QuantityCheck& q : r.checks) {
    auto& s = summary[q.quantity.name()];
    s.name = q.quantity.name();
    ++s.cases;
    if (!(q.rel_diff <= s.max_rel_diff)) s.max_rel_diff = q.rel_diff;  // NaN sticks
    if (!q.passed) ++s.failures;
  }
  if (r.cost) {
    auto& s = summary["cost"];
    s.name = "cost";
    ++s.cases;
    const double rel = r.cost->rel_error();
    if (!(rel <= s.max_rel_diff)) s.max_rel_diff = rel;
    if (!r.cost->passed) ++s.failures;
  }
}

// Report order: the quantities (parameters, then intermediates), then the cost.
bool report_order(const QuantitySummary& a, const QuantitySummary& b) {
  const auto qa = parse_quantity(a.name), qb = parse_quantity(b.name);
  if (qa && qb) return *qa < *qb;
  if (qa || qb) return qa.has_value();
  return a.name < b.name;
}

void tally(std::optional<FastSummary>& campaign, const std::optional<FastSummary>& one) {
  if (!one) return;
  if (!campaign) {
    campaign = one;
    return;
  }
  FastSummary& c = *campaign;
  c.replaced += one->replaced;
  c.kink_directions += one->kink_directions;
  c.step_halvings += one->step_halvings;
  c.localize_tests += one->localize_tests;
  c.cost_evaluations += one->cost_evaluations;
  if (!(one->relative_threshold <= c.relative_threshold)) {  // NaN counts as the weakest
    c.directions = one->directions;
    c.tolerance = one->tolerance;
    c.threshold = one->threshold;
    c.relative_threshold = one->relative_threshold;
  }
}

template <class T>
std::vector<T> intersect(const std::vector<T>& wanted, const std::vector<T>& supported) {
  std::vector<T> out;
  for (const T& x : wanted)
    if (std::find(supported.begin(), supported.end(), x) != supported.end()) out.push_back(x);
  return out;
}

}  // namespace

GeneratorOptions supported_by(GeneratorOptions o, const SourceInfo& info) {
  o.hidden = intersect(o.hidden, info.activations);
  o.output = intersect(o.output, info.activations);
  o.losses = intersect(o.losses, info.losses);
  if (!info.regularization) {
    if (o.lambda && *o.lambda > 0)
      throw std::invalid_argument(info.name + " does not support regularization, but --lambda " +
                                  "is " + std::to_string(*o.lambda));
    o.lambda = 0.0;
  }
  if (o.activations)
    for (Activation a : *o.activations)
      if (std::find(info.activations.begin(), info.activations.end(), a) == info.activations.end())
        throw std::invalid_argument(info.name + " does not support the activation " +
                                    std::string(to_string(a)));
  validate(o);
  return o;
}

CaseRecipe draw_case(const GeneratorOptions& options, std::uint64_t seed, std::size_t index) {
  return draw(case_recipes(options), seed, index).value();
}

CampaignResult fuzz(GradientSource& source, const CampaignOptions& options,
                    const Progress& progress) {
  if (options.shard.count < 1 || options.shard.index >= options.shard.count)
    throw std::invalid_argument("shard " + std::to_string(options.shard.index + 1) + "/" +
                                std::to_string(options.shard.count) + " does not exist");
  const SourceInfo info = source.info();
  const GeneratorOptions generate = supported_by(options.generate, info);
  const rc::Gen<CaseRecipe> gen = case_recipes(generate);
  CheckOptions quick = options.check;
  quick.diagnose = false;

  CampaignResult result;
  result.source = info.name;
  result.seed = options.seed;
  result.shard = options.shard;
  result.cases_planned = 0;
  for (std::size_t i = options.shard.index; i < options.cases; i += options.shard.count)
    ++result.cases_planned;
  std::map<std::string, QuantitySummary> summary;
  auto finish = [&] {
    for (auto& [name, s] : summary) result.quantities.push_back(s);
    std::sort(result.quantities.begin(), result.quantities.end(), report_order);
    return result;
  };

  std::optional<rc::Shrinkable<CaseRecipe>> failing;
  try {
    for (std::size_t i = options.shard.index; i < options.cases; i += options.shard.count) {
      rc::Shrinkable<CaseRecipe> drawn = draw(gen, options.seed, i);
      CaseResult r = check_case(make_case(drawn.value()), source, quick);
      ++result.cases_run;
      result.kink_entries += r.kink_entries();
      result.kink_unverified += r.kink_unverified();
      result.borderline_settled += r.borderline_settled();
      tally(summary, r);
      tally(result.fast, r.fast);
      if (progress) progress(result.cases_run, result.cases_planned);
      if (!r.passed()) {
        result.failure = Failure{i + 1, r, r, 0, 0};
        failing = std::move(drawn);
        break;
      }
    }
    if (!failing) return finish();

    // Greedy shrinking: take the first smaller candidate that still fails, until none does.
    Failure& f = *result.failure;
    bool shrunk = true;
    while (shrunk && f.shrink_checks < options.max_shrink_checks) {
      shrunk = false;
      auto candidates = failing->shrinks();
      while (auto candidate = candidates.next()) {
        if (f.shrink_checks >= options.max_shrink_checks) break;
        ++f.shrink_checks;
        CaseResult r = check_case(make_case(candidate->value()), source, quick);
        if (r.passed()) continue;
        failing = std::move(*candidate);
        f.shrunk = std::move(r);
        ++f.shrink_steps;
        shrunk = true;
        break;
      }
    }
    if (quick.mode == CheckMode::fast)  // the shrunk case is small: check every entry
      diagnose_fully(f.shrunk, source, options.check);
    else
      explain_failure(f.shrunk, info,
                      quick.tolerance.value_or(Tolerance::for_precision(info.precision)));
  } catch (const ProtocolError& e) {
    result.misbehaviour = e.what();
  }
  return finish();
}

}  // namespace gradfuzz

#include "gradfuzz/fuzz/campaign.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <stdexcept>
#include <thread>

#include "gradfuzz/interruption.hpp"
#include "refusals.hpp"

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
    if (!q.passed) ++s.failures;
    if (q.passed && q.matched) s.matched = q.matched;
    if (!q.shape_ok()) continue;  // its rel_diff compares nothing
    ++s.compared;
    if (!(q.rel_diff <= s.max_rel_diff)) s.max_rel_diff = q.rel_diff;  // NaN sticks
  }
  if (r.cost) {
    auto& s = summary["cost"];
    s.name = "cost";
    ++s.cases;
    ++s.compared;
    const double rel = r.cost->rel_error();
    if (!(rel <= s.max_rel_diff)) s.max_rel_diff = rel;
    if (!r.cost->passed) ++s.failures;
  }
}

// Skips are kept by reason; a source that words each refusal differently (a number in it)
// still gets a bounded list, the rest counted under the last reason.
void record_skip(CampaignResult& result, const CaseResult& r) {
  constexpr std::size_t kMaxReasons = 20;
  ++result.cases_skipped;
  for (SkipReason& s : result.skips)
    if (s.reason == *r.unsupported) {
      ++s.cases;
      return;
    }
  if (result.skips.size() >= kMaxReasons) {
    if (result.skips.size() == kMaxReasons) result.skips.push_back({"other reasons", 0, r.c});
    ++result.skips.back().cases;
    return;
  }
  result.skips.push_back({*r.unsupported, 1, r.c});
}

// Report order: the quantities (parameters, then intermediates), then the cost.
bool report_order(const QuantitySummary& a, const QuantitySummary& b) {
  const auto qa = parse_quantity(a.name), qb = parse_quantity(b.name);
  if (qa && qb) return *qa < *qb;
  if (qa || qb) return qa.has_value();
  return a.name < b.name;
}

// The campaign's statement is its weakest passed case's: what a failed case could have missed
// says nothing once it failed (it stops after a direction or two), so it only adds its counts.
void tally(std::optional<FastSummary>& campaign, const std::optional<FastSummary>& one,
           bool passed) {
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
  if (passed && !(one->relative_threshold <= c.relative_threshold)) {  // NaN: the weakest
    c.directions = one->directions;
    c.tolerance = one->tolerance;
    c.threshold = one->threshold;
    c.relative_threshold = one->relative_threshold;
  }
}

// Checks the cases of `recipes` and returns their results in order, on every core when the
// source allows it (SourceInfo::concurrent). A ProtocolError is rethrown where the sequential
// loop would have met it.
class CaseBatch {
 public:
  CaseBatch(GradientSource& source, const CheckOptions& options, bool concurrent)
      : source_(source), options_(options), concurrent_(concurrent) {}

  std::vector<CaseResult> check(const std::vector<CaseRecipe>& recipes) {
    error = nullptr;
    std::vector<std::optional<CaseResult>> results(recipes.size());
    std::vector<std::exception_ptr> errors(recipes.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t k; (k = next.fetch_add(1)) < recipes.size();) {
        if (stop_requested()) {
          errors[k] = std::make_exception_ptr(Interrupted("the campaign was interrupted"));
          continue;
        }
        try {
          results[k] = check_case(make_case(recipes[k]), source_, options_);
        } catch (...) {
          errors[k] = std::current_exception();
        }
      }
    };
    static const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    if (concurrent_)
      for (unsigned t = 1; t < std::min<std::size_t>(cores, recipes.size()); ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    std::vector<CaseResult> out;
    for (std::size_t k = 0; k < recipes.size(); ++k) {
      if (errors[k]) {
        error = errors[k];
        break;
      }
      out.push_back(std::move(*results[k]));
      if (!out.back().passed()) break;  // the sequential loop stops here
    }
    return out;
  }

  /// What ended the last check() early (a ProtocolError): to rethrow once the results before
  /// it are gathered.
  std::exception_ptr error;

 private:
  GradientSource& source_;
  const CheckOptions& options_;
  bool concurrent_;
};

template <class T>
std::vector<T> intersect(const std::vector<T>& wanted, const std::vector<T>& supported) {
  std::vector<T> out;
  for (const T& x : wanted)
    if (std::find(supported.begin(), supported.end(), x) != supported.end()) out.push_back(x);
  return out;
}

}  // namespace

GeneratorOptions supported_by(GeneratorOptions o, const SourceInfo& info) {
  const NetworkBounds& b = info.networks;
  const std::vector<Activation>& hidden = b.hidden_activations.value_or(info.activations);
  const std::vector<Activation>& output = b.output_activations.value_or(info.activations);
  o.hidden = intersect(o.hidden, hidden);
  o.output = intersect(o.output, output);
  o.losses = intersect(o.losses, info.losses);
  if (!info.regularization) {
    if (o.lambda && *o.lambda > 0)
      throw std::invalid_argument(info.name + " does not support regularization, but --lambda " +
                                  "is " + std::to_string(*o.lambda));
    o.lambda = 0.0;
  }
  if (o.activations)
    for (std::size_t k = 0; k < o.activations->size(); ++k) {
      const Activation a = (*o.activations)[k];
      const bool last = k + 1 == o.activations->size();
      const std::vector<Activation>& allowed = last ? output : hidden;
      if (std::find(allowed.begin(), allowed.end(), a) == allowed.end())
        throw std::invalid_argument(info.name + " does not support the activation " +
                                    std::string(to_string(a)) +
                                    (last ? " on its output layer" : " on a hidden layer"));
    }
  o.same_hidden_activation = o.same_hidden_activation || b.same_hidden_activation;
  // A declared range sets the option, or narrows it when the user gave one too.
  auto narrow = [&](std::optional<Range>& option, const std::optional<Range>& declared,
                    const char* field, const char* flag) {
    if (!declared) return;
    if (!option) {
      option = declared;
      return;
    }
    const auto both = gradfuzz::intersect(*option, *declared);
    if (!both)
      throw std::invalid_argument(info.name + " declares " + field + " " + to_string(*declared) +
                                  ", but " + flag + " asks for " + to_string(*option));
    option = both;
  };
  narrow(o.depth, b.depth, "depth", "--depth");
  narrow(o.output_units, b.output_units, "output_units", "--output-units");
  if (b.max_width) {
    o.max_width = std::min(o.max_width, *b.max_width);
    if (o.output_units) {
      o.output_units->max = std::min(o.output_units->max, *b.max_width);
      if (o.output_units->max < o.output_units->min)
        throw std::invalid_argument(
            info.name + " declares max_width " + std::to_string(*b.max_width) +
            ", fewer than the " + std::to_string(o.output_units->min) + " output units asked for");
    }
    if (o.layers)
      for (arma::uword n : *o.layers)
        if (n > *b.max_width)
          throw std::invalid_argument(info.name + " declares max_width " +
                                      std::to_string(*b.max_width) + ", but --layers has " +
                                      std::to_string(n));
  }
  if (b.max_batch) {
    o.max_batch = std::min(o.max_batch, *b.max_batch);
    if (o.batch && *o.batch > *b.max_batch)
      throw std::invalid_argument(info.name + " declares max_batch " +
                                  std::to_string(*b.max_batch) + ", but --batch is " +
                                  std::to_string(*o.batch));
  }
  if (b.hard_labels) {
    std::erase(o.labels, Labels::soft);
    if (o.labels.empty())
      throw std::invalid_argument(info.name + " declares hard labels only, but only soft ones " +
                                  "were asked for");
  }
  try {
    validate(o);
  } catch (const std::invalid_argument& e) {
    if (b.empty() && info.activations == all_activations()) throw;
    throw std::invalid_argument(std::string(e.what()) + " (after narrowing to what " + info.name +
                                " declares in its hello)");
  }
  return o;
}

NetworkBounds declared_bounds(const SourceInfo& info) {
  NetworkBounds declared = info.networks;
  if (info.activations != all_activations()) {
    if (!declared.hidden_activations) declared.hidden_activations = info.activations;
    if (!declared.output_activations) declared.output_activations = info.activations;
  }
  return declared;
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
  result.declared = declared_bounds(info);
  result.seed = options.seed;
  result.shard = options.shard;
  result.cases_planned = options.shard.cases_of(options.cases);
  std::map<std::string, QuantitySummary> summary;
  auto finish = [&] {
    for (auto& [name, s] : summary) result.quantities.push_back(s);
    std::sort(result.quantities.begin(), result.quantities.end(), report_order);
    return result;
  };

  std::optional<rc::Shrinkable<CaseRecipe>> failing;
  try {
    // Cases are drawn here, in order (RapidCheck's generators are not for several threads),
    // and checked a window at a time; results are taken in order, so the campaign reports
    // exactly what checking one case after another would.
    const std::size_t window = info.concurrent ? 256 : 1;
    CaseBatch batch(source, quick, info.concurrent);
    std::vector<CaseRecipe> recipes;
    std::vector<std::size_t> indices;
    // A refused case is skipped and another drawn in its place (indices go on past
    // options.cases), until cases_planned are checked or more than that were refused: then
    // more than half of the drawn cases were, and the campaign stops.
    detail::Refusals refusals;
    auto more = [&] {
      return !failing && result.cases_run < result.cases_planned &&
             result.cases_skipped <= result.cases_planned;
    };
    for (std::size_t i = options.shard.index; more();) {
      if (stop_requested()) throw Interrupted("the campaign was interrupted");
      recipes.clear();
      indices.clear();
      const std::size_t wanted = std::min(window, result.cases_planned - result.cases_run);
      for (; recipes.size() < wanted; i += options.shard.count) {
        recipes.push_back(draw(gen, options.seed, i).value());
        indices.push_back(i);
      }
      std::vector<CaseResult> checked = batch.check(recipes);
      for (std::size_t k = 0; k < checked.size() && more(); ++k) {
        CaseResult& r = checked[k];
        if (r.skipped()) {
          refusals.refused(r);
          record_skip(result, r);
          continue;
        }
        refusals.checked(r.c);
        ++result.cases_run;
        result.kink_entries += r.kink_entries();
        result.kink_unverified += r.kink_unverified();
        result.borderline_settled += r.borderline_settled();
        tally(summary, r);
        tally(result.fast, r.fast, r.passed());
        if (progress) progress(result.cases_run, result.cases_planned);
        if (!r.passed()) {
          result.failure = Failure{indices[k] + 1, r, r, 0, 0};
          failing = draw(gen, options.seed, indices[k]);
          break;
        }
      }
      if (batch.error) std::rethrow_exception(batch.error);
    }
    if (result.mostly_refused()) result.refusal_hints = refusals.hints();
    if (!failing) return finish();

    // Greedy shrinking: take the first smaller candidate that still fails, until none does.
    Failure& f = *result.failure;
    bool shrunk = true;
    while (shrunk && f.shrink_checks < options.max_shrink_checks) {
      shrunk = false;
      auto candidates = failing->shrinks();
      while (auto candidate = candidates.next()) {
        if (f.shrink_checks >= options.max_shrink_checks) break;
        if (stop_requested()) throw Interrupted("the campaign was interrupted while shrinking");
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
                      quick.tolerance.value_or(Tolerance::for_precision(info.precision)),
                      {&source, &f.found});
  } catch (const ProtocolError& e) {
    result.misbehaviour = e.what();
  } catch (const Interrupted&) {
    // The cases run are kept; a failure found stays as far as it was shrunk, undiagnosed.
    result.interrupted = true;
  }
  return finish();
}

}  // namespace gradfuzz

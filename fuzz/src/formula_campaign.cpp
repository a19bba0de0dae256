#include "gradfuzz/fuzz/formula_campaign.hpp"

#include <algorithm>

#include "gradfuzz/diagnose.hpp"
#include "gradfuzz/formula/formula_source.hpp"
#include "gradfuzz/formula/layers.hpp"

namespace gradfuzz {
namespace {

int pinned_depth(const GeneratorOptions& g) {
  if (g.layers) return static_cast<int>(g.layers->size()) - 1;
  if (g.activations) return static_cast<int>(g.activations->size());
  return 0;
}

std::string join(const std::vector<std::string>& items, const std::string& last) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? last : ", ") + items[i];
  return out;
}

}  // namespace

const Diagnosis* HiddenResult::diagnosis() const {
  if (!campaign.failure || !campaign.failure->shrunk.diagnosis) return nullptr;
  return &*campaign.failure->shrunk.diagnosis;
}

std::vector<std::string> FormulaOutcome::diagnosis_ids() const {
  if (shapes.finding) return {shapes.finding->id};
  std::vector<std::string> ids;
  for (const HiddenResult& r : results)
    if (const Diagnosis* d = r.diagnosis()) ids.push_back(d->id);
  return ids;
}

bool FormulaOutcome::passed() const {
  if (shapes.finding) return false;
  for (const HiddenResult& r : results)
    if (!r.campaign.passed()) return false;
  return true;
}

std::string FormulaOutcome::verdict() const {
  if (shapes.finding) return "wrong: its shapes cannot work";
  if (results.size() == 1 && !results.front().hidden)
    return results.front().campaign.passed() ? "holds" : "fails";
  std::vector<std::string> holds, fails, all;
  for (const HiddenResult& r : results) {
    const std::string name(to_string(*r.hidden));
    all.push_back(name);
    (r.campaign.passed() ? holds : fails).push_back(name);
  }
  if (fails.empty()) return "holds for every hidden activation (" + join(all, ", ") + ")";
  if (holds.empty()) return "fails for every hidden activation (" + join(all, ", ") + ")";
  return "holds only for " + join(holds, " and ") + " layers; fails for " + join(fails, " and ") +
         " layers";
}

CampaignOptions formula_campaign_options(const formula::Formula& f,
                                         const FormulaCheckOptions& options) {
  CampaignOptions out = options.campaign;
  GeneratorOptions& g = out.generate;
  if (const int pinned = pinned_depth(g)) {
    formula::require_depth(f, pinned);
  } else if (g.depth) {  // --depth: as a pinned depth, but a range, at least what it needs
    const auto need = static_cast<arma::uword>(formula::minimum_depth(f));
    if (g.depth->max < need) formula::require_depth(f, static_cast<int>(g.depth->max), "--depth");
    g.depth->min = std::max(g.depth->min, need);
  } else {
    const int depth = formula::minimum_depth(f);
    g.min_layers = depth;
    g.max_layers = formula::has_symbolic_layers(f) ? std::max(depth, g.max_layers) : depth;
  }
  if (!g.lambda && !f.uses_lambda) g.lambda = 0.0;
  return out;
}

formula::ShapeExample shape_example(const formula::Formula& f, const CampaignOptions& options) {
  const GeneratorOptions& g = options.generate;
  formula::ShapeExample ex;
  if (g.layers) {
    ex.sizes = *g.layers;
  } else {
    const int L = static_cast<int>(depth_range(g).min);
    const bool only_ce =
        std::all_of(g.losses.begin(), g.losses.end(), [](Loss loss) { return loss == Loss::ce; });
    ex.sizes.push_back(3);
    for (int k = 1; k < L; ++k) ex.sizes.push_back(static_cast<arma::uword>(3 + k));
    // One output unit as in the course; a one-layer network gets two, so that n1 reads apart
    // from the 1 of a bias.
    ex.sizes.push_back(only_ce || L == 1 ? 2 : 1);
  }
  ex.m = g.batch ? *g.batch : 5;
  const std::vector<int> layers =
      formula::applicable_layers(f, static_cast<int>(ex.sizes.size()) - 1);
  ex.l = layers.empty() ? 1 : layers.front();
  return ex;
}

FormulaOutcome check_formula(const formula::Formula& f, const FormulaCheckOptions& options,
                             const Progress& progress) {
  FormulaOutcome out;
  out.formula = f;
  const CampaignOptions base = formula_campaign_options(f, options);
  out.example = shape_example(f, base);
  out.shapes = formula::check_shapes(f, out.example);
  if (out.shapes.finding) return out;

  const GeneratorOptions& g = base.generate;
  const int deepest = static_cast<int>(depth_range(g).max);
  std::vector<std::optional<Activation>> split;
  if (g.activations || deepest < 2) {
    split.push_back(std::nullopt);
  } else {
    for (Activation a : g.hidden) split.emplace_back(a);
  }
  CheckOptions quick = base.check;
  quick.diagnose = false;
  for (const std::optional<Activation>& hidden : split) {
    CampaignOptions o = base;
    if (hidden) o.generate.hidden = {*hidden};
    formula::FormulaSource source({f}, options.convention);
    HiddenResult r{hidden, fuzz(source, o, progress), {}, std::nullopt};
    if (r.campaign.failure && r.campaign.failure->shrunk.diagnosis) {
      Failure& failure = *r.campaign.failure;
      CaseResult found = failure.found;
      found.diagnosis =
          diagnose(found, source.info(),
                   o.check.tolerance.value_or(Tolerance::for_precision(source.info().precision)));
      Diagnosis& shrunk = *failure.shrunk.diagnosis;
      if (found.diagnosis && found.diagnosis->id != "unknown" && found.diagnosis->id != shrunk.id) {
        r.smallest_reading = shrunk;
        shrunk = *found.diagnosis;
        shrunk.message += " (on " + found.c.spec.describe() + ", m=" + std::to_string(found.c.m()) +
                          ", where the failure was found)";
      }
    }
    if (r.campaign.passed() && r.campaign.cases_run > 0) {
      const CaseRecipe first =
          draw_case(supported_by(o.generate, source.info()), o.seed, o.shard.index);
      for (const QuantityCheck& q : check_case(make_case(first), source, quick).checks)
        if (q.matched) r.conventions[q.quantity] = *q.matched;
    }
    r.campaign.source =
        f.text + (hidden ? " [hidden " + std::string(to_string(*hidden)) + "]" : "");
    out.results.push_back(std::move(r));
  }
  return out;
}

}  // namespace gradfuzz

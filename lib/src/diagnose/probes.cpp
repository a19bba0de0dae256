#include "probes.hpp"

#include <algorithm>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz::detail {
namespace {

struct Design {
  std::string kind, purpose;
  CaseRecipe recipe;
};

CaseRecipe recipe_of(const Case& c) {
  if (!c.replay.empty()) try {
      return parse_recipe(c.replay);
    } catch (const std::invalid_argument&) {
    }
  CaseRecipe r;
  r.spec = c.spec;
  r.batch = c.m();
  r.seed = 7;
  return r;
}

std::vector<Design> designs(const Case& shrunk, const SourceInfo& info) {
  const CaseRecipe base = recipe_of(shrunk);
  std::vector<Design> out;
  auto add = [&](std::string kind, std::string purpose, CaseRecipe r, std::uint64_t salt) {
    r.seed = base.seed * 6364136223846793005ULL + salt;
    out.push_back({std::move(kind), std::move(purpose), std::move(r)});
  };
  CaseRecipe r = base;
  r.batch = base.batch + 3;
  add("batch",
      "another batch size (m = " + std::to_string(r.batch) +
          "), to tell a factor of m from a constant",
      r, 1);
  // One more hidden layer: a slip in hidden layers cannot show on a network without them.
  const auto& supported = info.activations;
  for (Activation g :
       {Activation::tanh, Activation::sigmoid, Activation::relu, Activation::leaky_relu}) {
    if (std::find(supported.begin(), supported.end(), g) == supported.end()) continue;
    r = base;
    // Before the output, so that the layers 1..L-1 a hypothesis names keep their numbers.
    const std::size_t L = r.spec.activations.size();
    const arma::uword width = std::max<arma::uword>(2, r.spec.sizes[L - 1]);
    r.spec.sizes.insert(r.spec.sizes.begin() + static_cast<std::ptrdiff_t>(L), width);
    r.spec.activations.insert(r.spec.activations.begin() + static_cast<std::ptrdiff_t>(L - 1), g);
    add("deeper",
        "one more hidden layer (" + std::string(to_string(g)) +
            "), where a slip in hidden layers shows",
        r, 7);
    break;
  }
  const bool labels = base.spec.loss != Loss::mse;
  if (labels) {
    r = base;
    r.labels = Labels::soft;
    add("soft_labels", "soft labels, which code that makes the labels hard gets wrong", r, 2);
    r = base;
    r.weight_scale = 60;
    r.values = ValueGrid::continuous;
    add("saturated", "saturated outputs (large weights), which clipped predictions get wrong", r,
        3);
  }
  const auto& n = base.spec.sizes;
  const arma::uword widest = std::max<arma::uword>(2, *std::max_element(n.begin(), n.end()));
  if (std::any_of(n.begin(), n.end(), [&](arma::uword k) { return k != widest; })) {
    r = base;
    r.spec.sizes.assign(n.size(), widest);
    add("square",
        "equal widths (" + std::to_string(widest) +
            " everywhere), where a missing transpose still runs",
        r, 4);
  }
  r = base;
  for (std::size_t k = 0; k + 1 < r.spec.sizes.size(); ++k) r.spec.sizes[k] = 1;
  r.batch = 12;
  r.weight_scale = 3;
  r.values = ValueGrid::continuous;
  if (r.spec.sizes != base.spec.sizes || base.batch < 12)
    add("one_unit",
        "one unit per hidden layer over 12 examples, to read the derivative the code "
        "uses across a spread of Z",
        r, 5);
  r = base;
  add("fresh", "a fresh draw of the same network", r, 6);
  return out;
}

bool same_prediction(const Gradients& a, const Gradients& b, const Evidence& claimed_like,
                     const SourceInfo& info, const Tolerance& t) {
  Evidence e{claimed_like.c, {}, claimed_like.flat};
  for (const auto& [q, value] : claimed_like.claimed) e.claimed[q] = a.at(q);
  return explains(b, e, info, t);
}

}  // namespace

ProbeOutcome probe(std::vector<HypothesisPtr> candidates, const Case& shrunk,
                   GradientSource& source, const SourceInfo& info, const Tolerance& t, int budget) {
  ProbeOutcome out;
  for (const Design& d : designs(shrunk, info)) {
    if (candidates.empty() || budget <= 0) break;
    // Saturated outputs and soft labels test output deltas; elsewhere their extreme numbers
    // would only test the rounding.
    const bool output_slip =
        std::any_of(candidates.begin(), candidates.end(), [](const HypothesisPtr& h) {
          return (h->replaced_steps() & ReferenceBackprop::step_output_delta) != 0;
        });
    if ((d.kind == "saturated" || d.kind == "soft_labels") && !output_slip) continue;
    Case c;
    try {
      c = make_case(d.recipe);
    } catch (const std::exception&) {
      continue;
    }
    // The quantities the source claims on the shrunk case's network; what it is asked about.
    Evidence like{c, {}, {}};
    const Gradients reference = ReferenceBackprop(info.convention).gradients(c);
    for (Quantity q : parameter_quantities(c)) like.claimed[q] = reference.at(q);
    std::vector<Gradients> predicted;
    for (const auto& h : candidates) predicted.push_back(h->gradients_from(c, forward(c)));
    // Informative: some hypothesis predicts other gradients than the right ones or another
    // hypothesis, so the answer can rule something out.
    bool informative = false;
    for (std::size_t i = 0; i < predicted.size() && !informative; ++i) {
      informative = !same_prediction(reference, predicted[i], like, info, t);
      for (std::size_t j = i + 1; j < predicted.size() && !informative; ++j)
        informative = !same_prediction(predicted[i], predicted[j], like, info, t);
    }
    if (!informative && d.kind != "fresh") continue;
    --budget;
    Probe p{d.kind, d.purpose, c.replay, "", {}, {}};
    // The answer's verdict on every candidate, as the probe's outcome.
    auto judge = [&](Probe& probe, const Evidence& answer, const Gradients& truth,
                     const std::vector<Gradients>& predictions) {
      const bool right = explains(truth, answer, info, t);
      std::vector<HypothesisPtr> kept;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        const bool fits = explains(predictions[i], answer, info, t);
        (fits ? probe.consistent : probe.contradicted).push_back(candidates[i]->label());
        if (fits) kept.push_back(candidates[i]);
      }
      probe.outcome =
          (probe.outcome.empty() ? "" : probe.outcome + "; ") +
          (right ? "the code's gradients are right on it" : "the code's gradients are wrong on it");
      if (!probe.consistent.empty())
        probe.outcome += kept.size() == candidates.size()
                             ? ", as every hypothesis predicts"
                             : "; it rules out " + std::to_string(probe.contradicted.size()) +
                                   " hypothes" + (probe.contradicted.size() == 1 ? "is" : "es");
      else
        probe.outcome += "; no hypothesis predicts its answer";
      candidates = std::move(kept);
    };
    Claim claim;
    try {
      claim = source.claim(c);
    } catch (const SourceError& e) {
      p.outcome = std::string("the code failed on it: ") + e.what();
      out.probes.push_back(std::move(p));
      // Failing where widths differ is how a missing transpose shows: ask equal widths.
      Probe square;
      if (auto answer = probe_square(c, source, info, t, square)) {
        std::vector<Gradients> on_square;
        for (const auto& h : candidates)
          on_square.push_back(h->gradients_from(answer->c, forward(answer->c)));
        square.outcome = "the code runs on equal widths";
        judge(square, *answer, ReferenceBackprop(info.convention).gradients(answer->c), on_square);
        out.probes.push_back(std::move(square));
        out.answers.push_back(std::move(*answer));
      }
      continue;
    } catch (const ProtocolError& e) {
      p.outcome = std::string("the code did not answer it: ") + e.what();
      out.probes.push_back(std::move(p));
      break;
    }
    Evidence answer = evidence_of(c, claim);
    judge(p, answer, reference, predicted);
    out.probes.push_back(std::move(p));
    out.answers.push_back(std::move(answer));
  }
  out.survivors = std::move(candidates);
  return out;
}

std::optional<Evidence> probe_square(const Case& c, GradientSource& source, const SourceInfo& info,
                                     const Tolerance& t, Probe& record) {
  CaseRecipe r = recipe_of(c);
  const auto& n = r.spec.sizes;
  const arma::uword widest = std::max<arma::uword>(2, *std::max_element(n.begin(), n.end()));
  r.spec.sizes.assign(n.size(), widest);
  r.seed = r.seed * 6364136223846793005ULL + 4;
  r.batch = std::max<arma::uword>(r.batch, 4);  // one example may leave every relu unit dead
  // A one-layer network has no hidden layer to propagate into: a slip in dA[l-1] = W[l]T dZ[l]
  // shows from two layers on, so the square network gets a hidden layer then.
  std::optional<Evidence> out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 1) {
      if (r.spec.depth() > 1) break;
      const auto& supported = info.activations;
      const auto hidden = std::find_if(supported.begin(), supported.end(), [](Activation g) {
        return g != Activation::softmax && g != Activation::linear;
      });
      if (hidden == supported.end()) break;
      r.spec.sizes.insert(r.spec.sizes.begin(), widest);
      r.spec.activations.insert(r.spec.activations.begin(), *hidden);
    }
    Case square;
    try {
      square = make_case(r);
    } catch (const std::exception&) {
      break;
    }
    record = {"square",
              "the same network with every width " + std::to_string(widest) +
                  (attempt ? " and one more layer" : "") +
                  ", where code with a missing transpose or a wrong layer's matrix still runs",
              square.replay,
              "",
              {},
              {}};
    try {
      Claim claim = source.claim(square);
      out = evidence_of(square, claim);
      const Gradients reference = ReferenceBackprop(info.convention).gradients(square);
      if (!explains(reference, *out, info, t)) {
        record.outcome = "the code runs on it, and its gradients are wrong there";
        return out;
      }
      record.outcome = "the code runs on it, and its gradients are right there";
    } catch (const SourceError& e) {
      record.outcome = std::string("the code fails on it too: ") + e.what();
      return std::nullopt;
    } catch (const ProtocolError& e) {
      record.outcome = std::string("the code did not answer it: ") + e.what();
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace gradfuzz::detail

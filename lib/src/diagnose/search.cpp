#include "search.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/rounding.hpp"

namespace gradfuzz::detail {

// Two computations of the same formula in the code's precision agree to its rounding, far
// inside the checks' rtol (which allows for finite differences' error): a slip that moves a
// gradient by 1e-7 (predictions clipped at 1e-7) must not match the right formula.
double same_rtol(const Tolerance& t) {
  return 1e4 * t.epsilon;
}

bool same(const arma::mat& a, const arma::mat& b, const Tolerance& t) {
  if (a.n_elem != b.n_elem) return false;
  if (!a.is_finite() || !b.is_finite()) return false;
  const double rtol = same_rtol(t);
  const double atol = 1e3 * t.epsilon * (b.is_empty() ? 0.0 : arma::abs(b).max());
  for (arma::uword k = 0; k < a.n_elem; ++k)
    if (std::abs(a[k] - b[k]) > rtol * std::max(std::abs(a[k]), std::abs(b[k])) + atol)
      return false;
  return true;
}

bool same(const arma::mat& a, const arma::mat& b, const arma::mat& magnitude, const Tolerance& t) {
  if (a.n_elem != b.n_elem || magnitude.n_elem != b.n_elem) return same(a, b, t);
  if (!a.is_finite() || !b.is_finite()) return false;
  const double rtol = same_rtol(t);
  const double atol = 1e3 * t.epsilon * (b.is_empty() ? 0.0 : arma::abs(b).max());
  const double unit = 10 * t.ulps * t.epsilon;
  for (arma::uword k = 0; k < a.n_elem; ++k)
    if (std::abs(a[k] - b[k]) >
        rtol * std::max(std::abs(a[k]), std::abs(b[k])) + std::max(atol, unit * magnitude[k]))
      return false;
  return true;
}

namespace {

bool reproduces(const arma::mat& claimed, const arma::mat& g, const arma::mat& magnitude, bool flat,
                bool intermediate, const SourceInfo& info, double m, const Tolerance& t) {
  if (!flat && arma::size(claimed) != arma::size(g)) return false;
  if (same(claimed, g, magnitude, t)) return true;
  return intermediate && info.intermediates_either_convention &&
         same(claimed, g / m, magnitude / m, t);
}

struct Search {
  const Evidence& e;
  const SourceInfo& info;
  const Tolerance& t;
  ForwardPass f = forward(e.c);
  Gradients reference = ReferenceBackprop(info.convention).gradients_from(e.c, f);

  Gradients of(const std::vector<Substitution>& parts) const {
    return Hypothesis(parts, info.convention).gradients_from(e.c, f);
  }
  bool differs(const Gradients& g) const {
    for (const auto& [q, value] : e.claimed)
      if (!same(g.at(q), reference.at(q), t) || arma::size(g.at(q)) != arma::size(reference.at(q)))
        return true;
    return false;
  }
  bool fits(const Gradients& g) const { return differs(g) && explains(g, e, info, t); }

  // The claimed entries and a hypothesis's, side by side, for least squares.
  arma::vec stacked(const Gradients& g) const {
    std::vector<double> out;
    for (const auto& [q, value] : e.claimed) out.insert(out.end(), g.at(q).begin(), g.at(q).end());
    return arma::vec(out);
  }
  arma::vec claimed_stacked() const {
    std::vector<double> out;
    for (const auto& [q, value] : e.claimed) out.insert(out.end(), value.begin(), value.end());
    return arma::vec(out);
  }

  // The value of `family`'s parameter (with `base` applied) that best reproduces the claim:
  // Gauss-Newton on the stacked entries from 0, exact in a few steps for what is affine in it
  // (a factor, an L2 coefficient, one layer's leaky slope).
  std::optional<Substitution> fit(const FittedFamily& family, std::optional<int> layer,
                                  const std::vector<Substitution>& base) const {
    const arma::vec target = claimed_stacked();
    auto with = [&](double theta) {
      return Substitution(std::shared_ptr<const Mutant>(family.make(theta, info.convention)),
                          family.name, family.diagnosis, "", layer, theta);
    };
    auto attempt = [&](double theta) -> std::optional<Substitution> {
      Substitution s = with(theta);
      std::vector<Substitution> parts = base;
      parts.push_back(s);
      if (!parts.empty() && parts.size() == 2 && !combinable(parts[0], parts[1])) return {};
      const Gradients g = of(parts);
      if (fits(g)) return s;
      return {};
    };
    if (!family.grid.empty()) {
      for (double theta : family.grid)
        if (auto s = attempt(theta)) return s;
      return {};
    }
    auto stacked_at = [&](double theta) {
      std::vector<Substitution> parts = base;
      parts.push_back(with(theta));
      return stacked(of(parts));
    };
    if (base.size() == 1 && !combinable(base[0], with(0))) return {};
    double theta = 0;
    for (int iteration = 0; iteration < 4; ++iteration) {
      const arma::vec g0 = stacked_at(theta), g1 = stacked_at(theta + 1);
      if (g0.n_elem != target.n_elem || g1.n_elem != target.n_elem) return {};
      const arma::vec slope = g1 - g0;
      const double ss = arma::dot(slope, slope);
      if (!(ss > 0) || !std::isfinite(ss)) return {};
      const double step = arma::dot(target - g0, slope) / ss;
      if (!std::isfinite(step)) return {};
      theta += step;
      if (auto s = attempt(theta)) return s;
      if (std::abs(step) <= 1e-12 * std::max(1.0, std::abs(theta))) break;
    }
    return {};
  }

  std::vector<Substitution> fixed_parts() const {
    std::vector<Substitution> out;
    const int L = e.c.depth();
    for (const auto& entry : catalogue_entries()) {
      std::shared_ptr<const Mutant> variant = entry.make(info.convention);
      const MutantInfo& mi = entry.info;
      out.emplace_back(variant, mi.name, mi.diagnosis, mi.description);
      // The output's own step has one layer: the part at every layer is it.
      if (L > 1 && variant->replaced_steps() != ReferenceBackprop::step_output_delta)
        for (int l = 1; l <= L; ++l)
          out.emplace_back(variant, mi.name, mi.diagnosis, mi.description, l);
      if (L > 2 && variant->replaced_steps() != ReferenceBackprop::step_output_delta)
        out.emplace_back(variant, mi.name, mi.diagnosis, mi.description, every_hidden_layer);
    }
    return out;
  }

  std::vector<std::optional<int>> layers() const {
    std::vector<std::optional<int>> out{std::nullopt};
    if (e.c.depth() > 1)
      for (int l = 1; l <= e.c.depth(); ++l) out.push_back(l);
    return out;
  }
};

// A factor fitted on one case, read as +-m^p when it is one (p = 1: the 1/m missing; p < 0:
// an extra 1/m), so that a case of another m tests it; the constant itself stays a candidate.
std::vector<Substitution> readings(const Substitution& fitted, const FittedFamily& family, double m,
                                   Convention convention) {
  if (!family.diagnosis.empty() || !fitted.parameter) return {fitted};
  const double k = *fitted.parameter;
  // A factor near 0 fits only gradients that are 0 to rounding (a softmax's dZ summed over
  // its units): it says nothing.
  if (!(std::abs(k) > 1e-6)) return {};
  std::vector<Substitution> out;
  if (m > 1)
    for (int p : {1, -1, 2, -2}) {
      const double power = std::pow(m, p);
      if (std::abs(std::abs(k) - power) > 1e-6 * power) continue;
      Substitution s = fitted;
      const double sign = k < 0 ? -1.0 : 1.0;
      s.variant = scaled(family.name, convention, fitted.variant->replaced_steps(), sign, p);
      s.name = family.name + "=" + (sign < 0 ? "-" : "") + "m^" + std::to_string(p);
      s.diagnosis = p > 0 ? "missing_inv_m" : "extra_inv_m";
      s.parameter.reset();
      s.power_of_m = p;
      s.sign = sign;
      if (sign < 0) s.also = {"sign_flipped"};
      out.push_back(std::move(s));
    }
  Substitution constant = fitted;
  constant.diagnosis = std::abs(k + 1) <= 1e-6 ? "sign_flipped" : "constant_factor";
  char value[32];
  std::snprintf(value, sizeof value, "%.6g", k);
  constant.name = family.name + "=" + value;
  out.push_back(std::move(constant));
  return out;
}

}  // namespace

Evidence evidence_of(const CaseResult& r) {
  Evidence e{r.c, {}, {}};
  for (const QuantityCheck& q : r.checks) {
    e.claimed[q.quantity] = q.claimed;
    e.flat[q.quantity] = q.claimed_shape.ndim < 2;
  }
  return e;
}

Evidence evidence_of(const Case& c, const Claim& claim) {
  Evidence e{c, claim.gradients, {}};
  for (const auto& [q, shape] : claim.written_shapes) e.flat[q] = shape.ndim < 2;
  return e;
}

std::vector<Quantity> explained(const Gradients& g, const Evidence& e, const SourceInfo& info,
                                const Tolerance& t) {
  std::vector<Quantity> out;
  const double m = static_cast<double>(e.c.m());
  auto magnitude = e.magnitude.find(info.convention);
  if (magnitude == e.magnitude.end())
    magnitude =
        e.magnitude
            .emplace(info.convention, rounding_magnitudes(e.c, info.convention, t.ulps * t.epsilon,
                                                          smallest_normal(info.precision)))
            .first;
  for (const auto& [q, value] : e.claimed) {
    const auto it = g.find(q);
    const auto flat = e.flat.find(q);
    const auto size = magnitude->second.find(q);
    if (it != g.end() &&
        reproduces(value, it->second, size == magnitude->second.end() ? arma::mat() : size->second,
                   flat != e.flat.end() && flat->second, !q.is_parameter(), info, m, t))
      out.push_back(q);
  }
  return out;
}

bool explains(const Gradients& g, const Evidence& e, const SourceInfo& info, const Tolerance& t) {
  return explained(g, e, info, t).size() == e.claimed.size();
}

std::vector<HypothesisPtr> search(const Evidence& e, const SourceInfo& info, const Tolerance& t) {
  Search s{e, info, t};
  const double m = static_cast<double>(e.c.m());
  std::vector<HypothesisPtr> found;
  auto keep = [&](std::vector<Substitution> parts) {
    found.push_back(std::make_shared<const Hypothesis>(std::move(parts), info.convention));
  };
  const std::vector<Substitution> fixed = s.fixed_parts();
  // One substitution: the catalogue's, then the fitted families'.
  std::vector<Substitution> relevant;  // explain some failing quantity alone: pair material
  for (const Substitution& part : fixed) {
    const Gradients g = s.of({part});
    if (s.fits(g)) {
      keep({part});
      continue;
    }
    for (Quantity q : explained(g, e, info, t))
      if (!same(g.at(q), s.reference.at(q), t)) {
        relevant.push_back(part);
        break;
      }
  }
  for (const FittedFamily& family : fitted_families()) {
    if (!family.applies(e.c)) continue;
    for (const auto& layer : s.layers())
      if (auto part = s.fit(family, layer, {}))
        for (Substitution& reading : readings(*part, family, m, info.convention)) keep({reading});
  }
  if (!found.empty()) return found;
  // Pairs cost thousands of backprops: on a large case (a pinned wide network) they would take
  // minutes, and a campaign's shrunk case is small anyway.
  if (e.c.parameter_count() > max_parameters_for_pairs) return found;
  // Two substitutions (real code often has two bugs). Two catalogue slips: pairs where one
  // explains a failing quantity alone (the other's quantities are then explained by the
  // pair); a catalogue slip and a fitted number: every slip, since a factor or a derivative
  // anywhere hides the other slip from every quantity alone.
  for (std::size_t i = 0; i < relevant.size(); ++i)
    for (const Substitution& other : fixed) {
      if (!combinable(relevant[i], other)) continue;
      if (s.fits(s.of({relevant[i], other}))) keep({relevant[i], other});
    }
  for (const Substitution& part : fixed)
    for (const FittedFamily& family : fitted_families()) {
      if (!family.applies(e.c)) continue;
      if (!family.grid.empty() &&
          std::find_if(relevant.begin(), relevant.end(), [&](const Substitution& r) {
            return r.name == part.name && r.layer == part.layer;
          }) == relevant.end())
        continue;
      for (const auto& layer : s.layers())
        if (auto fitted = s.fit(family, layer, {part}))
          for (Substitution& reading : readings(*fitted, family, m, info.convention))
            keep({part, reading});
    }
  return found;
}

std::optional<NearestMiss> nearest_miss(const Evidence& e, const SourceInfo& info,
                                        const Tolerance& t) {
  Search s{e, info, t};
  const std::vector<Quantity> right = explained(s.reference, e, info, t);
  auto is_right = [&](Quantity q) {
    return std::find(right.begin(), right.end(), q) != right.end();
  };
  std::optional<NearestMiss> best;
  std::size_t best_count = 0;
  for (const Substitution& part : s.fixed_parts()) {
    auto h = std::make_shared<const Hypothesis>(std::vector<Substitution>{part}, info.convention);
    const std::vector<Quantity> got = explained(h->gradients_from(e.c, s.f), e, info, t);
    std::size_t count = 0;
    for (Quantity q : got) count += is_right(q) ? 0 : 1;
    if (count <= best_count) continue;
    best_count = count;
    NearestMiss miss{h, {}, {}};
    for (const auto& [q, value] : e.claimed) {
      if (is_right(q)) continue;
      (std::find(got.begin(), got.end(), q) != got.end() ? miss.explained : miss.unexplained)
          .push_back(q);
    }
    best = std::move(miss);
  }
  return best;
}

}  // namespace gradfuzz::detail

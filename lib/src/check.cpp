#include "gradfuzz/check.hpp"

#include <algorithm>
#include <cmath>

#include "gradfuzz/convergence_verdict.hpp"
#include "gradfuzz/diagnose.hpp"
#include "gradfuzz/directional_check.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/rounding.hpp"
#include "gradfuzz/source_cost_probe.hpp"

namespace gradfuzz {
namespace {

// A gradient not written as a matrix (a 1-D array, a single number) is a shape finding whatever
// its numbers, as PROTOCOL.md says: it is judged as a claim of the wrong shape.
void as_written(QuantityCheck& check, Shape written) {
  if (written.ndim == 2) return;
  check.claimed_shape = written;
  check.passed = false;
  check.matched.reset();
  check.failing_entries = check.kink_entries = check.kink_unverified = 0;
  check.borderline_settled = 0;
  check.worst = {};
  check.rel_diff = 0;
}

// Finite differences for `wanted`: parameters of the source's cost when asked for, everything
// else (and everything by default) of the reference cost.
NumericGradients numeric_for(const Case& c, GradientSource& source, const SourceInfo& info,
                             const CheckOptions& options, const std::vector<Quantity>& wanted,
                             Thoroughness thoroughness) {
  const auto scheme = make_scheme(options.scheme, options.relative_step);
  if (options.numeric_from == NumericFrom::reference)
    return numeric_gradients(c, *scheme, wanted, thoroughness);
  std::vector<Quantity> parameters, intermediates;
  for (Quantity q : wanted) (q.is_parameter() ? parameters : intermediates).push_back(q);
  NumericGradients out = numeric_gradients(c, *scheme, intermediates, thoroughness);
  const ForwardPass base = forward(c);
  SourceCostProbe probe(c, base, source);
  const auto source_scheme = make_scheme(options.scheme, options.relative_step, info.precision);
  out.merge(numeric_gradients(c, *source_scheme, parameters, probe, thoroughness));
  return out;
}

}  // namespace

std::string_view to_string(NumericFrom n) {
  return n == NumericFrom::source ? "source" : "reference";
}

std::optional<NumericFrom> find_numeric_from(std::string_view name) {
  for (NumericFrom n : {NumericFrom::reference, NumericFrom::source})
    if (to_string(n) == name) return n;
  return std::nullopt;
}

bool CaseResult::passed() const {
  if (source_error) return false;
  if (cost && !cost->passed) return false;
  for (const auto& check : checks)
    if (!check.passed) return false;
  return true;
}

arma::uword CaseResult::kink_entries() const {
  arma::uword total = 0;
  for (const auto& check : checks) total += check.kink_entries;
  return total;
}

arma::uword CaseResult::borderline_settled() const {
  arma::uword total = 0;
  for (const auto& check : checks) total += check.borderline_settled;
  return total;
}

arma::uword CaseResult::kink_unverified() const {
  arma::uword total = 0;
  for (const auto& check : checks) total += check.kink_unverified;
  return total;
}

std::vector<const QuantityCheck*> CaseResult::failures() const {
  std::vector<const QuantityCheck*> out;
  for (const auto& check : checks)
    if (!check.passed) out.push_back(&check);
  return out;
}

void explain_failure(CaseResult& result, const SourceInfo& info, const Tolerance& tolerance,
                     const DiagnosisContext& context) {
  const double m = static_cast<double>(result.c.m());
  for (QuantityCheck& check : result.checks) {
    if (check.passed || !check.shape_ok() || check.non_finite) continue;
    if (check.worst.at_kink) continue;  // across a kink no step sequence converges
    const double to_mean = check.expected == Convention::sum ? 1 / m : 1.0;
    const double scale = std::max(std::abs(check.worst.claimed), std::abs(check.worst.numeric));
    ConvergenceStudy study =
        study_convergence(result.c, check.quantity, check.worst.row, check.worst.col,
                          check.worst.claimed * to_mean, tolerance.rtol * scale * to_mean);
    check.convergence = std::move(study.points);
    check.convergence_order = study.order;
    check.convergence_verdict = study.verdict;
  }
  result.diagnosis = diagnose(result, info, tolerance, context);
}

void diagnose_fully(CaseResult& result, GradientSource& source, const CheckOptions& options) {
  if (!result.fast || result.passed()) return;
  CheckOptions full = options;
  full.mode = CheckMode::full;
  full.diagnose = true;
  FastSummary summary = *result.fast;
  summary.diagnosed_by_full_check = true;
  result = check_case(result.c, source, full);
  result.fast = summary;
}

namespace {

// check_case without its handling of Unsupported.
CaseResult check_claim(const Case& c, GradientSource& source, const SourceInfo& info,
                       const CheckOptions& options) {
  if (options.numeric_from == NumericFrom::source) {
    if (!info.cost)
      throw std::invalid_argument(info.name +
                                  " does not compute its cost, so finite differences cannot be "
                                  "taken of it (an adapter's hello must say \"cost\": true)");
    if (options.scheme == Scheme::complex_step)
      throw std::invalid_argument(
          "the complex step cannot be taken of a source's cost (it needs "
          "J at complex points); use central, forward or five-point");
  }
  if (options.mode == CheckMode::fast &&
      (options.scheme != Scheme::central || options.numeric_from == NumericFrom::source))
    throw std::invalid_argument(
        "fast mode differentiates gradfuzz's own J along random directions with its own "
        "five-point stencil: another scheme or the source's cost needs the full mode");
  CaseResult result{c,  info.name,    options.scheme, options.numeric_from, {},
                    {}, std::nullopt, std::nullopt,   std::nullopt,         std::nullopt};
  const Tolerance tolerance = options.tolerance.value_or(Tolerance::for_precision(info.precision));
  Claim claim;
  try {
    claim = source.claim(c);
  } catch (const SourceError& e) {
    result.source_error = e.what();
    if (options.diagnose) explain_failure(result, info, tolerance, {&source, nullptr});
    return result;
  }
  if (claim.cost) result.cost = check_cost(c, *claim.cost, tolerance);
  const Gradients& claimed = claim.gradients;
  std::vector<Quantity> wanted = info.partial ? std::vector<Quantity>{} : parameter_quantities(c);
  for (Quantity q : wanted)
    if (!claimed.contains(q))
      throw ProtocolError(info.name + " claimed no " + q.name() + " for a " + c.spec.describe() +
                          " network");
  for (const auto& [q, value] : claimed) {
    if (!has_quantity(c, q))
      throw ProtocolError(info.name + " claimed " + q.name() + ", which a " +
                          std::to_string(c.depth()) + "-layer network does not have");
    if (!q.is_parameter() || info.partial) wanted.push_back(q);
  }
  if (options.mode == CheckMode::fast) {
    check_directional(c, claim, info, wanted, tolerance, options.fast, result);
    for (QuantityCheck& check : result.checks)
      if (const auto written = claim.written_shapes.find(check.quantity);
          written != claim.written_shapes.end())
        as_written(check, written->second);
    return result;
  }
  // The code failed computing its cost at a shifted point (--numeric-from source).
  auto cost_failed = [&](const SourceError& e) {
    result.source_error = std::string("computing its cost for finite differences: ") + e.what();
    if (options.diagnose) explain_failure(result, info, tolerance, {&source, nullptr});
    return result;
  };
  NumericGradients numeric;
  try {
    // Screened first: most claims are right, and a claim within the tolerance of a screened
    // estimate is within it of the full one; a quantity that fails is estimated in full below.
    numeric = numeric_for(c, source, info, options, wanted, Thoroughness::screening);
  } catch (const SourceError& e) {
    return cost_failed(e);
  }
  const Gradients magnitude = rounding_magnitudes(
      c, Convention::mean, tolerance.ulps * tolerance.epsilon, smallest_normal(info.precision));
  const double m = static_cast<double>(c.m());
  for (Quantity q : wanted) {
    const Convention expected = q.is_parameter() ? info.convention : Convention::sum;
    // Intermediates' magnitudes are per example; compare() wants the mean convention's.
    const arma::mat magnitude_mean = q.is_parameter() ? magnitude.at(q) : magnitude.at(q) / m;
    // Borderline entries get the convergence-rate verdict: settled only when it converges.
    // The study takes the reference's J, so it settles only differences of the reference.
    BorderlineJudge settle;
    if (options.numeric_from == NumericFrom::reference)
      settle = [&c, q](arma::uword row, arma::uword col, double claimed_mean,
                       double allowance_mean) {
        return study_convergence(c, q, row, col, claimed_mean, allowance_mean).verdict ==
               Convergence::converges;
      };
    QuantityCheck check =
        compare(q, claimed.at(q), numeric.at(q), magnitude_mean, c.m(), expected, tolerance);
    if (!check.passed && numeric.at(q).screened) {
      try {
        numeric[q] = numeric_for(c, source, info, options, {q}, Thoroughness::full).at(q);
      } catch (const SourceError& e) {
        return cost_failed(e);
      }
    }
    if (!check.passed)  // judged again on full estimates, borderline entries settled
      check = compare(q, claimed.at(q), numeric.at(q), magnitude_mean, c.m(), expected, tolerance,
                      settle);
    if (!q.is_parameter() && info.intermediates_either_convention && !check.passed &&
        check.matched)  // dJ/dZ rather than dL/dZ: judged as what it is
      check = compare(q, claimed.at(q), numeric.at(q), magnitude_mean, c.m(), *check.matched,
                      tolerance);
    if (const auto written = claim.written_shapes.find(q); written != claim.written_shapes.end())
      as_written(check, written->second);
    result.checks.push_back(std::move(check));
  }
  if (options.diagnose && !result.passed())
    explain_failure(result, info, tolerance, {&source, nullptr});
  return result;
}

}  // namespace

CaseResult check_case(const Case& c, GradientSource& source, const CheckOptions& options) {
  const SourceInfo info = source.info();
  try {
    return check_claim(c, source, info, options);
  } catch (const Unsupported& e) {
    CaseResult skipped{c,  info.name,    options.scheme, options.numeric_from, {},
                       {}, std::nullopt, std::nullopt,   std::nullopt,         e.what()};
    return skipped;
  }
}

}  // namespace gradfuzz

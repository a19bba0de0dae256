#include "gradfuzz/convergence_verdict.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/perturbation.hpp"

namespace gradfuzz {
namespace {

constexpr double kSafety = 4;
constexpr std::size_t kFitted = 4;

// Least-squares slope of log e against log h.
double slope(const std::vector<ConvergencePoint>& points) {
  if (points.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& p : points) {
    const double x = std::log(p.step), y = std::log(p.error);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const auto n = static_cast<double>(points.size());
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

std::string_view to_string(Convergence v) {
  switch (v) {
    case Convergence::converges:
      return "converges";
    case Convergence::stalls:
      return "stalls";
    case Convergence::inconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

std::optional<Convergence> find_convergence(std::string_view name) {
  for (Convergence v : {Convergence::converges, Convergence::stalls, Convergence::inconclusive})
    if (to_string(v) == name) return v;
  return std::nullopt;
}

ConvergenceStudy study_convergence(const Case& c, Quantity q, arma::uword row, arma::uword col,
                                   double claimed_mean, double allowance_mean) {
  const ForwardPass base = forward(c);
  CostProbe probe(c, base);
  probe.select(q, row, col);
  const double scale = std::max(1.0, std::abs(probe.entry()));
  ConvergenceStudy study;
  study.resolved_error = std::numeric_limits<double>::infinity();
  double best_uncertainty = std::numeric_limits<double>::infinity();
  std::vector<ConvergencePoint> above_rounding;
  double previous_estimate = std::numeric_limits<double>::quiet_NaN(), previous_h = 0;
  for (int k = 3; k <= 27; ++k) {
    const double h = std::pow(10.0, -k / 3.0) * scale;
    const double estimate = (probe.cost(h) - probe.cost(-h)) / (2 * h);
    const ConvergencePoint point{h, estimate, std::abs(claimed_mean - estimate)};
    study.points.push_back(point);
    const double rounding = detail::rounding_bound(probe, 1, h);
    // Richardson: D(h) - D(2h') ~ c h^2 ((h'/h)^2 - 1), so the truncation left in D(h) is
    // |D(h) - D(h')| / ((h'/h)^2 - 1).
    const double truncation =
        std::isnan(previous_estimate)
            ? std::numeric_limits<double>::infinity()
            : std::abs(estimate - previous_estimate) / ((previous_h / h) * (previous_h / h) - 1);
    if (rounding + truncation < best_uncertainty) {
      best_uncertainty = rounding + truncation;
      study.resolved_error = std::max(0.0, point.error - kSafety * best_uncertainty);
    }
    if (point.error > kSafety * rounding) above_rounding.push_back(point);
    previous_estimate = estimate;
    previous_h = h;
  }
  if (above_rounding.size() > kFitted)
    above_rounding.erase(above_rounding.begin(), above_rounding.end() - kFitted);
  study.order = slope(above_rounding);
  const bool within = study.resolved_error <= allowance_mean;
  // One point above rounding (truncation shows at the largest step only) gives no order, as
  // none does: the claim agrees with the best estimate, so it is right.
  if (within && (above_rounding.size() < 2 || study.order >= 1.5))
    study.verdict = Convergence::converges;
  else if (!within && study.order < 0.5)
    study.verdict = Convergence::stalls;
  return study;
}

}  // namespace gradfuzz

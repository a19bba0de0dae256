#include "gradfuzz/cost_check.hpp"

#include <cmath>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/rounding.hpp"

namespace gradfuzz {

double CostCheck::abs_error() const {
  return std::abs(claimed - reference);
}

double CostCheck::rel_error() const {
  const double scale = std::max(std::abs(claimed), std::abs(reference));
  return scale > 0 ? abs_error() / scale : 0.0;
}

CostCheck check_cost(const Case& c, double claimed, const Tolerance& t) {
  CostCheck check;
  check.claimed = claimed;
  check.reference = forward(c).cost;
  check.allowed = t.rtol * std::max(std::abs(claimed), std::abs(check.reference)) +
                  t.ulps * t.epsilon * cost_rounding_magnitude(c);
  check.passed = std::isfinite(claimed) && std::isfinite(check.reference) &&
                 (claimed == check.reference || check.abs_error() <= check.allowed);
  return check;
}

}  // namespace gradfuzz

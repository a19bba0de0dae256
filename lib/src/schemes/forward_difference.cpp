#include <cmath>

#include "schemes.hpp"

namespace gradfuzz::detail {

Estimate ForwardDifference::estimate(const CostEvaluator& probe) const {
  const double h = step_for(probe.entry());
  const double f0 = probe.base_cost();
  std::size_t crossed[2] = {};
  const double p1 = probe.cost(h, &crossed[0]);
  const double p2 = probe.cost(2 * h, &crossed[1]);
  const double d1 = (p1 - f0) / h;
  const double d2 = (p2 - f0) / (2 * h);
  // d1 errs by ~ h J''/2 and d2 by twice that, so |d1 - d2| estimates d1's truncation.
  Estimate e{d1, std::abs(d1 - d2) + rounding_bound(probe, 2, h)};
  if (crossed[0] || crossed[1]) mark_kink(e, sample(probe, h), probe);
  return e;
}

Estimate ForwardDifference::screen(const CostEvaluator& probe) const {
  const double h = step_for(probe.entry());
  std::size_t crossed = 0;
  const double p1 = probe.cost(h, &crossed);
  if (crossed) return estimate(probe);
  Estimate e{(p1 - probe.base_cost()) / h, rounding_bound(probe, 2, h)};
  e.screened = true;
  return e;
}

}  // namespace gradfuzz::detail

#include <cmath>

#include "schemes.hpp"

namespace gradfuzz::detail {

Estimate CentralDifference::estimate(const CostEvaluator& probe) const {
  const Stencil s = sample(probe, step_for(probe.entry()));
  const double d1 = (s.p1 - s.m1) / (2 * s.h);
  const double d2 = (s.p2 - s.m2) / (4 * s.h);
  // d1 errs by ~ h^2 J'''/6 and d2 by four times that: |d1 - d2| / 3 estimates d1's truncation.
  Estimate e{d1, std::abs(d1 - d2) / 3 + rounding_bound(probe, 1, s.h)};
  mark_kink(e, s, probe);
  return e;
}

Estimate CentralDifference::screen(const CostEvaluator& probe) const {
  const double h = step_for(probe.entry());
  std::size_t crossed[2] = {};
  const double m1 = probe.cost(-h, &crossed[0]), p1 = probe.cost(h, &crossed[1]);
  if (crossed[0] || crossed[1]) return estimate(probe);
  Estimate e{(p1 - m1) / (2 * h), rounding_bound(probe, 1, h)};
  e.screened = true;
  return e;
}

}  // namespace gradfuzz::detail

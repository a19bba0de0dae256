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

}  // namespace gradfuzz::detail

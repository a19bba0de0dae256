#include <algorithm>
#include <cmath>

#include "schemes.hpp"

namespace gradfuzz::detail {

namespace {

double fourth_order(const Stencil& s) {
  return (8 * (s.p1 - s.m1) - (s.p2 - s.m2)) / (12 * s.h);
}

}  // namespace

Estimate FivePoint::estimate(const CostEvaluator& probe) const {
  const Stencil s = sample(probe, step_for(probe.entry()));
  std::size_t crossed[2] = {};
  const double p4 = probe.cost(4 * s.h, &crossed[0]);
  const double m4 = probe.cost(-4 * s.h, &crossed[1]);
  const double e1 = fourth_order(s);
  const double e2 = (8 * (s.p2 - s.m2) - (p4 - m4)) / (24 * s.h);
  // Fourth order: e2 errs by 16 times e1's error, so |e1 - e2| / 15 estimates e1's truncation.
  Estimate e{e1, std::abs(e1 - e2) / 15 + rounding_bound(probe, 1.5, s.h)};
  Stencil wide = s;
  wide.crossed = std::max({s.crossed, crossed[0], crossed[1]});
  mark_kink(e, wide, probe);
  return e;
}

Estimate FivePoint::screen(const CostEvaluator& probe) const {
  const Stencil s = sample(probe, step_for(probe.entry()));
  if (s.crossed) return estimate(probe);
  Estimate e{fourth_order(s), rounding_bound(probe, 1.5, s.h)};
  e.screened = true;
  return e;
}

}  // namespace gradfuzz::detail

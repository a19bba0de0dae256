#include "gradfuzz/difference_scheme.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "schemes/schemes.hpp"

namespace gradfuzz {

std::string_view to_string(Scheme s) {
  switch (s) {
    case Scheme::forward:
      return "forward";
    case Scheme::central:
      return "central";
    case Scheme::five_point:
      return "five-point";
    case Scheme::complex_step:
      return "complex-step";
  }
  return "?";
}

std::optional<Scheme> find_scheme(std::string_view name) {
  for (Scheme s : {Scheme::forward, Scheme::central, Scheme::five_point, Scheme::complex_step})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

double DifferenceScheme::step_for(double x) const {
  return relative_step() * std::max(1.0, std::abs(x));
}

std::unique_ptr<DifferenceScheme> make_scheme(Scheme s, double relative_step, Precision precision) {
  if (relative_step < 0 || !std::isfinite(relative_step))
    throw std::invalid_argument("the relative step must be finite and > 0 (0 for the default)");
  const double eps = machine_epsilon(precision);
  switch (s) {
    case Scheme::forward:
      return std::make_unique<detail::ForwardDifference>(relative_step != 0 ? relative_step
                                                                            : std::sqrt(eps));
    case Scheme::central:
      return std::make_unique<detail::CentralDifference>(relative_step != 0 ? relative_step
                                                                            : std::cbrt(eps));
    case Scheme::five_point:
      return std::make_unique<detail::FivePoint>(relative_step != 0 ? relative_step
                                                                    : std::pow(eps, 0.2));
    case Scheme::complex_step:
      return std::make_unique<detail::ComplexStep>(relative_step != 0 ? relative_step : 1e-20);
  }
  throw std::logic_error("make_scheme: unhandled scheme");
}

namespace detail {

Stencil sample(const CostEvaluator& probe, double h) {
  Stencil s;
  s.h = h;
  s.f0 = probe.base_cost();
  std::size_t crossed[4] = {};
  s.m2 = probe.cost(-2 * h, &crossed[0]);
  s.m1 = probe.cost(-h, &crossed[1]);
  s.p1 = probe.cost(h, &crossed[2]);
  s.p2 = probe.cost(2 * h, &crossed[3]);
  s.crossed = *std::max_element(crossed, crossed + 4);
  return s;
}

double rounding_bound(const CostEvaluator& probe, double weight, double h) {
  // J's rounding error is a modest multiple of eps * rounding_scale(); 64 ulps covers deep,
  // wide cases with room to spare.
  constexpr double kUlps = 64;
  return weight * kUlps * probe.epsilon() * probe.rounding_scale() / h;
}

void mark_kink(Estimate& e, const Stencil& s, const CostEvaluator& probe) {
  if (!s.crossed) return;
  e.at_kink = true;
  e.kinks_crossed = s.crossed;
  e.left = (3 * s.f0 - 4 * s.m1 + s.m2) / (2 * s.h);
  e.right = (-3 * s.f0 + 4 * s.p1 - s.p2) / (2 * s.h);
  // First-order one-sided differences err by ~ h J''/2, the second-order ones by less: their
  // gap bounds the second-order estimates' truncation on each side.
  const double left1 = (s.f0 - s.m1) / s.h, right1 = (s.p1 - s.f0) / s.h;
  e.error_bound = rounding_bound(probe, 4, s.h) +
                  std::max(std::abs(e.left - left1), std::abs(e.right - right1));
}

}  // namespace detail
}  // namespace gradfuzz

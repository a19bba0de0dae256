#include <cmath>
#include <limits>

#include "schemes.hpp"

namespace gradfuzz::detail {

Estimate ComplexStep::estimate(const CostEvaluator& probe) const {
  const double h = step_for(probe.entry());
  const double d = probe.cost(std::complex<double>(0, h)).imag() / h;
  // No cancellation: the result carries the rounding of the forward pass, relative to itself.
  Estimate e{d, 64 * std::numeric_limits<double>::epsilon() * std::abs(d)};
  // An imaginary step never moves a pre-activation's real part, so only a relu input sitting
  // exactly on 0 puts the complex step on one side of a kink; a real stencil then brackets it.
  if (probe.on_kink())
    mark_kink(e,
              sample(probe, std::cbrt(std::numeric_limits<double>::epsilon()) *
                                std::max(1.0, std::abs(probe.entry()))),
              probe);
  return e;
}

}  // namespace gradfuzz::detail

#include "gradfuzz/numeric.hpp"

#include <cmath>
#include <stdexcept>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/perturbation.hpp"

namespace gradfuzz {

NumericQuantity NumericQuantity::scaled(double factor) const {
  return {value * factor, error_bound * std::abs(factor), at_kink, left * factor, right * factor};
}

bool has_quantity(const Case& c, Quantity q) {
  const int L = c.depth();
  if (q.kind == Quantity::Kind::dA) return q.layer >= 0 && q.layer < L;
  return q.layer >= 1 && q.layer <= L;
}

Shape expected_shape(const Case& c, Quantity q) {
  if (!has_quantity(c, q))
    throw std::out_of_range(q.name() + " does not exist in a network of " +
                            std::to_string(c.depth()) + " layer(s)");
  const auto l = q.layer;
  switch (q.kind) {
    case Quantity::Kind::dW:
      return {c.spec.n(l), c.spec.n(l - 1)};
    case Quantity::Kind::db:
      return {c.spec.n(l), 1};
    case Quantity::Kind::dZ:
    case Quantity::Kind::dA:
      return {c.spec.n(l), c.m()};
  }
  throw std::logic_error("expected_shape: unhandled quantity");
}

std::vector<Quantity> parameter_quantities(const Case& c) {
  std::vector<Quantity> out;
  for (int l = 1; l <= c.depth(); ++l) {
    out.push_back(Quantity::dW(l));
    out.push_back(Quantity::db(l));
  }
  return out;
}

NumericGradients numeric_gradients(const Case& c, const DifferenceScheme& scheme,
                                   const std::vector<Quantity>& which) {
  const ForwardPass base = forward(c);
  CostProbe probe(c, base);
  return numeric_gradients(c, scheme, which, probe);
}

}  // namespace gradfuzz

#include "gradfuzz/reference_backprop.hpp"

#include <typeinfo>

namespace gradfuzz {

ReferenceBackprop::ReferenceBackprop(Convention convention) : convention_(convention) {}

SourceInfo ReferenceBackprop::info() const {
  SourceInfo info;
  info.name = name();
  info.convention = convention_;
  info.intermediates = true;
  // gradients() reads only the case. A subclass (a mutant, a test double) may keep state, so
  // only the reference itself says so.
  info.concurrent = typeid(*this) == typeid(ReferenceBackprop);
  return info;
}

Gradients ReferenceBackprop::gradients(const Case& c) {
  return gradients_from(c, forward(c));
}

Gradients ReferenceBackprop::gradients_from(const Case& c, const ForwardPass& f) const {
  const Pass p{c, f, convention_ == Convention::mean ? 1.0 / static_cast<double>(c.m()) : 1.0};
  Gradients out;
  arma::mat dZ = output_delta(p);
  for (int l = c.depth(); l >= 1; --l) {
    arma::mat dW = weight_gradient(p, l, dZ);
    const arma::mat l2 = regularization_gradient(p, l);
    // A mutant whose dW has the wrong shape keeps it: the shape is the finding.
    if (arma::size(dW) == arma::size(l2)) dW += l2;
    out[Quantity::dW(l)] = std::move(dW);
    out[Quantity::db(l)] = bias_gradient(p, l, dZ);
    arma::mat dA = propagate(p, l, dZ);
    out[Quantity::dZ(l)] = std::move(dZ);
    if (l > 1) dZ = activation_backward(p, l - 1, dA);
    out[Quantity::dA(l - 1)] = std::move(dA);
  }
  return out;
}

arma::mat ReferenceBackprop::output_delta(const Pass& p) const {
  const int L = p.c.depth();
  const auto& AL = p.f.A[static_cast<std::size_t>(L)];
  arma::mat delta = AL - p.c.Y;
  if (p.c.spec.loss == Loss::mse)
    delta %= activation_derivative(p.c.spec.g(L), p.f.Z[static_cast<std::size_t>(L)],
                                   p.c.spec.leaky_slope);
  return delta;
}

arma::mat ReferenceBackprop::activation_backward(const Pass& p, int l, const arma::mat& dA) const {
  return dA % activation_derivative(p.c.spec.g(l), p.f.Z[static_cast<std::size_t>(l)],
                                    p.c.spec.leaky_slope);
}

arma::mat ReferenceBackprop::weight_gradient(const Pass& p, int l, const arma::mat& dZ) const {
  return p.s * dZ * p.f.A[static_cast<std::size_t>(l - 1)].t();
}

arma::mat ReferenceBackprop::bias_gradient(const Pass& p, int l, const arma::mat& dZ) const {
  (void)l;
  return p.s * arma::sum(dZ, 1);
}

arma::mat ReferenceBackprop::regularization_gradient(const Pass& p, int l) const {
  return p.s * p.c.spec.lambda * p.c.W_of(l);
}

arma::mat ReferenceBackprop::propagate(const Pass& p, int l, const arma::mat& dZ) const {
  return p.c.W_of(l).t() * dZ;
}

}  // namespace gradfuzz

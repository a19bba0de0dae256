#include "gradfuzz/rounding.hpp"

#include "gradfuzz/forward.hpp"

namespace gradfuzz {

Gradients rounding_magnitudes(const Case& c, Convention convention) {
  const ForwardPass f = forward(c);
  const int L = c.depth();
  const double s = convention == Convention::mean ? 1.0 / static_cast<double>(c.m()) : 1.0;
  auto at = [](int l) { return static_cast<std::size_t>(l); };
  // g' is itself computed (1 - A^2, A (1 - A)), with an error of order eps: hence |g'| + 1.
  auto derivative_size = [&](int l) -> arma::mat {
    return arma::abs(activation_derivative(c.spec.g(l), f.Z[at(l)], c.spec.leaky_slope)) + 1.0;
  };
  Gradients out;
  arma::mat dZ = arma::abs(f.A[at(L)]) + arma::abs(c.Y);
  if (c.spec.loss == Loss::mse) dZ %= derivative_size(L);
  for (int l = L; l >= 1; --l) {
    const arma::mat W = arma::abs(c.W_of(l));
    out[Quantity::dW(l)] = s * dZ * arma::abs(f.A[at(l - 1)]).t() + s * c.spec.lambda * W;
    out[Quantity::db(l)] = s * arma::sum(dZ, 1);
    arma::mat dA = W.t() * dZ;
    out[Quantity::dZ(l)] = dZ;
    if (l > 1) dZ = dA % derivative_size(l - 1);
    out[Quantity::dA(l - 1)] = std::move(dA);
  }
  return out;
}

}  // namespace gradfuzz

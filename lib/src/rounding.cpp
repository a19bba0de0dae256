#include "gradfuzz/rounding.hpp"

#include "gradfuzz/forward.hpp"

namespace gradfuzz {

Gradients rounding_magnitudes(const Case& c, Convention convention) {
  const ForwardPass f = forward(c);
  const int L = c.depth();
  const double s = convention == Convention::mean ? 1.0 / static_cast<double>(c.m()) : 1.0;
  auto at = [](int l) { return static_cast<std::size_t>(l); };
  auto slope = [&](int l) -> arma::mat {
    return arma::abs(activation_derivative(c.spec.g(l), f.Z[at(l)], c.spec.leaky_slope));
  };

  // Forward pass, in units of eps: eZ[l] and eA[l] bound how far the code's own Z<l> and A<l>
  // may be from the exact ones. The inputs are rounded once (a float32 adapter rounds X), each
  // product and sum adds the size of its terms, and g carries its input's error by its slope.
  std::vector<arma::mat> eZ(at(L) + 1), eA(at(L) + 1);
  eA[0] = arma::abs(c.X);
  for (int l = 1; l <= L; ++l) {
    const arma::mat W = arma::abs(c.W_of(l));
    eZ[at(l)] = W * (eA[at(l - 1)] + arma::abs(f.A[at(l - 1)]));
    eZ[at(l)].each_col() += arma::abs(c.b_of(l).col(0));
    const arma::mat& A = f.A[at(l)];
    if (c.spec.g(l) == Activation::softmax) {
      // d softmax_i = A_i (dZ_i - sum_j A_j dZ_j): at most A_i (e_i + max_j e_j).
      arma::mat spread = eZ[at(l)];
      spread.each_row() += arma::max(eZ[at(l)], 0);
      eA[at(l)] = A % spread + A;
    } else {
      eA[at(l)] = slope(l) % eZ[at(l)] + arma::abs(A);
    }
  }

  // Backward pass over magnitudes. A - Y carries A's error; g'(Z) is computed from a Z that is
  // eZ off and is itself rounded: |g'| + 1 + eZ (|g''| <= 1 for sigmoid and tanh, 0 elsewhere).
  Gradients out;
  arma::mat dZ = eA[at(L)] + arma::abs(c.Y);
  if (c.spec.loss == Loss::mse) dZ %= slope(L) + 1.0 + eZ[at(L)];
  for (int l = L; l >= 1; --l) {
    const arma::mat W = arma::abs(c.W_of(l));
    // eA >= |A|, so this covers both the product's rounding and A's own error.
    out[Quantity::dW(l)] = s * dZ * eA[at(l - 1)].t() + s * c.spec.lambda * W;
    out[Quantity::db(l)] = s * arma::sum(dZ, 1);
    arma::mat dA = W.t() * dZ;
    out[Quantity::dZ(l)] = dZ;
    if (l > 1) dZ = dA % (slope(l - 1) + 1.0 + eZ[at(l - 1)]);
    out[Quantity::dA(l - 1)] = std::move(dA);
  }
  return out;
}

}  // namespace gradfuzz

#include "gradfuzz/rounding.hpp"

#include "gradfuzz/forward.hpp"

namespace gradfuzz {

namespace {

std::size_t at(int l) {
  return static_cast<std::size_t>(l);
}

arma::mat slope_of(const Case& c, const ForwardPass& f, int l) {
  return arma::abs(activation_derivative(c.spec.g(l), f.Z[at(l)], c.spec.leaky_slope));
}

// Forward pass, in units of eps: eZ[l] and eA[l] bound how far the code's own Z<l> and A<l>
// may be from the exact ones. The inputs are rounded once (a float32 adapter rounds X), each
// product and sum adds the size of its terms, and g carries its input's error by its slope.
struct ForwardBounds {
  std::vector<arma::mat> eZ, eA;
};

ForwardBounds forward_bounds(const Case& c, const ForwardPass& f) {
  const int L = c.depth();
  ForwardBounds e{std::vector<arma::mat>(at(L) + 1), std::vector<arma::mat>(at(L) + 1)};
  e.eA[0] = arma::abs(c.X);
  for (int l = 1; l <= L; ++l) {
    const arma::mat W = arma::abs(c.W_of(l));
    e.eZ[at(l)] = W * (e.eA[at(l - 1)] + arma::abs(f.A[at(l - 1)]));
    e.eZ[at(l)].each_col() += arma::abs(c.b_of(l).col(0));
    const arma::mat& A = f.A[at(l)];
    if (c.spec.g(l) == Activation::softmax) {
      // d softmax_i = A_i (dZ_i - sum_j A_j dZ_j): at most A_i (e_i + max_j e_j).
      arma::mat spread = e.eZ[at(l)];
      spread.each_row() += arma::max(e.eZ[at(l)], 0);
      e.eA[at(l)] = A % spread + A;
    } else {
      e.eA[at(l)] = slope_of(c, f, l) % e.eZ[at(l)] + arma::abs(A);
    }
  }
  return e;
}

}  // namespace

double cost_rounding_magnitude(const Case& c) {
  const ForwardPass f = forward(c);
  const ForwardBounds e = forward_bounds(c, f);
  const int L = c.depth();
  // Z<L>'s error moves each example's loss by |dL/dZ<L>| times it; the loss itself is computed
  // from terms of the size of |Z<L>| + 1 (a log-sum-exp, a softplus) that may cancel.
  arma::mat delta = arma::abs(f.A[at(L)] - c.Y);
  if (c.spec.loss == Loss::mse) delta %= slope_of(c, f, L);
  const arma::mat& ZL = f.Z[at(L)];
  return std::abs(f.cost) +
         arma::accu(delta % (e.eZ[at(L)] + arma::abs(ZL) + 1.0)) / static_cast<double>(c.m());
}

Gradients rounding_magnitudes(const Case& c, Convention convention) {
  const ForwardPass f = forward(c);
  const int L = c.depth();
  const double s = convention == Convention::mean ? 1.0 / static_cast<double>(c.m()) : 1.0;
  const ForwardBounds bounds = forward_bounds(c, f);
  const std::vector<arma::mat>&eZ = bounds.eZ, &eA = bounds.eA;
  auto slope = [&](int l) { return slope_of(c, f, l); };

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

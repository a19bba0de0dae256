#include "gradfuzz/rounding.hpp"

#include <cmath>

#include "gradfuzz/forward.hpp"

namespace gradfuzz {
namespace {

std::size_t at(int l) {
  return static_cast<std::size_t>(l);
}

bool bounded(Activation g) {
  return g == Activation::sigmoid || g == Activation::tanh;
}

// The forward pass of a case and how far a code's own version of it may be off. In units of
// eps: eZ[l] and eA[l] bound how far the code's Z<l> and A<l> may be from the exact ones. The
// inputs are rounded once (a float32 adapter rounds X), each product and sum adds the size of
// its terms, and g carries its input's error by its slope.
class ForwardBounds {
 public:
  ForwardBounds(const Case& c, double unit) : c_(c), f(forward(c)), unit_(unit) {
    const int L = c.depth();
    eZ.resize(at(L) + 1);
    eA.resize(at(L) + 1);
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
        const arma::mat steepest =
            arma::max(slope(l), arma::conv_to<arma::mat>::from(near_kink(l)));
        // sigmoid and tanh are bounded by 1, and the ways code computes them (1 / (1 + e^-z),
        // (1 + tanh(z/2)) / 2, ...) are accurate to eps absolutely, not relative to a saturated
        // sigmoid's tiny value.
        eA[at(l)] = steepest % eZ[at(l)] + (bounded(c.spec.g(l))
                                                ? arma::mat(arma::size(A), arma::fill::ones)
                                                : arma::mat(arma::abs(A)));
      }
    }
  }

  arma::mat slope(int l) const {
    return arma::abs(activation_derivative(c_.spec.g(l), f.Z[at(l)], c_.spec.leaky_slope));
  }

  // The error of g'(Z) as the code computes it: rounding (1), from a Z that is eZ off (|g''| <=
  // 1 for sigmoid and tanh, 0 elsewhere), from its own A for sigmoid (A (1 - A)) and tanh
  // (1 - A^2) (at most 2 eA), and a relu near its kink may be on the other side.
  arma::mat derivative_error(int l) const {
    arma::mat e = 1.0 + eZ[at(l)] + jump(l);
    if (bounded(c_.spec.g(l))) e += 2 * eA[at(l)];
    return e;
  }

  const Case& c_;
  const ForwardPass f;
  std::vector<arma::mat> eZ, eA;

 private:
  // Where a relu or leaky_relu input lies within the code's rounding error eZ of 0, the code
  // may have it on the other side: its g' may jump by 1 - slope (in units: that over `unit`),
  // and its g is Lipschitz with constant 1 there. An input exactly on 0 is the kink itself:
  // every stencil that moves it crosses it, and compare.hpp's kink rule judges those entries.
  arma::umat near_kink(int l) const {
    if (!has_kink(c_.spec.g(l))) return arma::umat(arma::size(eZ[at(l)]), arma::fill::zeros);
    const arma::mat size = arma::abs(f.Z[at(l)]);
    return size > 0.0 && size <= unit_ * eZ[at(l)];
  }
  arma::mat jump(int l) const {
    const double size = c_.spec.g(l) == Activation::relu ? 1.0 : std::abs(1 - c_.spec.leaky_slope);
    return arma::conv_to<arma::mat>::from(near_kink(l)) * (size / unit_);
  }

  double unit_;
};

}  // namespace

double cost_rounding_magnitude(const Case& c) {
  const ForwardBounds e(c, 64 * 0x1p-52);
  const ForwardPass& f = e.f;
  const int L = c.depth();
  // Z<L>'s error moves each example's loss by |dL/dZ<L>| times it; the loss itself is computed
  // from terms of the size of |Z<L>| + 1 (a log-sum-exp, a softplus) that may cancel.
  arma::mat delta = arma::abs(f.A[at(L)] - c.Y);
  if (c.spec.loss == Loss::mse) delta %= e.slope(L);
  const arma::mat& ZL = f.Z[at(L)];
  // A loss that takes logs (bce, ce) rounds each log to about one unit absolutely, whatever the
  // size of J: code may compute log(sum of exps) or log(1 + e^-|z|) as the log of a number
  // near 1 (a float32 softmax at 1 - 3.5e-9 gives J = 0 where J is 3.5e-9). One unit per unit
  // of label mass.
  const double logs = c.spec.loss == Loss::mse ? 0.0 : arma::accu(arma::abs(c.Y));
  return std::abs(f.cost) + (arma::accu(delta % (e.eZ[at(L)] + arma::abs(ZL) + 1.0)) + logs) /
                                static_cast<double>(c.m());
}

Gradients rounding_magnitudes(const Case& c, Convention convention, double unit, double underflow) {
  const ForwardBounds bounds(c, unit);
  const ForwardPass& f = bounds.f;
  const std::vector<arma::mat>& eA = bounds.eA;
  const int L = c.depth();
  const double s = convention == Convention::mean ? 1.0 / static_cast<double>(c.m()) : 1.0;
  auto slope = [&](int l) { return bounds.slope(l); };
  auto derivative_error = [&](int l) { return bounds.derivative_error(l); };

  // Backward pass, first order: V bounds each quantity's size (|W|^T |dZ|, |g'|), E its error
  // in units of eps. A - Y carries A's error and rounds on the size of its terms (where A - Y
  // cancels for a good fit, E is far above V). g'(Z)'s error (derivative_error) multiplies the
  // size of dA, not dA's own error (that product is second order in eps). An A - Y below the
  // smallest normal number may underflow to 0 in the code: `underflow` floors its error.
  Gradients out;
  arma::mat V = arma::abs(f.A[at(L)] - c.Y);
  arma::mat E = eA[at(L)] + arma::abs(c.Y) + underflow;
  if (c.spec.loss == Loss::mse) {
    E = E % (slope(L) + 1.0) + V % derivative_error(L);
    V %= slope(L);
  }
  for (int l = L; l >= 1; --l) {
    const arma::mat W = arma::abs(c.W_of(l));
    // eA >= |A|: covers the product's rounding and A's own error.
    out[Quantity::dW(l)] =
        s * (E * arma::abs(f.A[at(l - 1)]).t() + V * eA[at(l - 1)].t()) + s * c.spec.lambda * W;
    out[Quantity::db(l)] = s * arma::sum(E + V, 1);
    out[Quantity::dZ(l)] = E + V;
    // The product W^T dZ rounds on the size of its terms.
    arma::mat dA_error = W.t() * (E + V);
    arma::mat dA_size = W.t() * V;
    if (l > 1) {
      const arma::mat g = slope(l - 1);
      E = dA_error % (g + 1.0) + dA_size % (g + derivative_error(l - 1));
      V = dA_size % g;
    }
    out[Quantity::dA(l - 1)] = std::move(dA_error);
  }
  return out;
}

}  // namespace gradfuzz

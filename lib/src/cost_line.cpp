#include "gradfuzz/detail/cost_line.hpp"

#include <stdexcept>

#include "gradfuzz/activation.hpp"
#include "gradfuzz/loss.hpp"
#include "gradfuzz/numeric.hpp"

namespace gradfuzz::detail {
namespace {

std::size_t at(int l) {
  return static_cast<std::size_t>(l);
}

}  // namespace

CostLine::CostLine(const Case& c, const ForwardPass& base, const Gradients& direction)
    : c_(c), base_(base), v_(direction) {
  if (v_.empty()) throw std::invalid_argument("CostLine: an empty direction");
  bool intermediate = false;
  for (const auto& [q, V] : v_) {
    if (shape_of(V) != expected_shape(c, q))
      throw std::invalid_argument("CostLine: the direction's " + q.name() + " is " +
                                  to_string(shape_of(V)) + ", expected " +
                                  to_string(expected_shape(c, q)));
    intermediate = intermediate || !q.is_parameter();
  }
  if (intermediate && v_.size() > 1)
    throw std::invalid_argument("CostLine: a direction moves one intermediate and nothing else");
  const Quantity first = v_.begin()->first;  // parameters order by layer, dW<l> before db<l>
  const double m = static_cast<double>(c.m());
  switch (first.kind) {
    case Quantity::Kind::dZ:
      first_ = first.layer;
      tangent_ = v_.begin()->second;
      return;
    case Quantity::Kind::dA:
      // A<l> feeds Z<l+1> through W<l+1>.
      first_ = first.layer + 1;
      tangent_ = c.W_of(first_) * v_.begin()->second;
      return;
    case Quantity::Kind::dW:
    case Quantity::Kind::db:
      first_ = first.layer;
      tangent_ = arma::zeros(c.spec.n(first_), c.m());
      if (auto W = v_.find(Quantity::dW(first_)); W != v_.end())
        tangent_ = W->second * base.A[at(first_ - 1)];
      if (auto b = v_.find(Quantity::db(first_)); b != v_.end()) tangent_.each_col() += b->second;
      for (int l = first_; l <= c.depth(); ++l)
        if (auto W = v_.find(Quantity::dW(l)); W != v_.end()) {
          l2_linear_ += c.spec.lambda / (2 * m) * 2 * arma::accu(c.W_of(l) % W->second);
          l2_quadratic_ += c.spec.lambda / (2 * m) * arma::accu(arma::square(W->second));
        }
      return;
  }
}

double CostLine::cost(double t, std::size_t* kinks_crossed) const {
  if (kinks_crossed) *kinks_crossed = 0;
  const int L = c_.depth();
  auto count_crossings = [&](int l, const arma::mat& Z) {
    if (!kinks_crossed || !has_kink(c_.spec.g(l))) return;
    const arma::mat& Zb = base_.Z[at(l)];
    for (arma::uword k = 0; k < Zb.n_elem; ++k)
      if ((Z[k] > 0) != (Zb[k] > 0) || (Z[k] < 0) != (Zb[k] < 0)) ++*kinks_crossed;
  };
  arma::mat Z = base_.Z[at(first_)] + t * tangent_;
  count_crossings(first_, Z);
  arma::mat A = activate(c_.spec.g(first_), Z, c_.spec.leaky_slope);
  for (int l = first_ + 1; l <= L; ++l) {
    Z = c_.W_of(l) * A;
    Z.each_col() += c_.b_of(l).col(0);
    // Moved parameters of later layers add t (V_W A + V_b), kept apart so W + tV is never rounded.
    const auto W = v_.find(Quantity::dW(l));
    const auto b = v_.find(Quantity::db(l));
    if (W != v_.end() || b != v_.end()) {
      arma::mat moved = W != v_.end() ? arma::mat(W->second * A) : arma::zeros(Z.n_rows, Z.n_cols);
      if (b != v_.end()) moved.each_col() += b->second.col(0);
      Z += t * moved;
    }
    count_crossings(l, Z);
    A = activate(c_.spec.g(l), Z, c_.spec.leaky_slope);
  }
  // The L2 term moves by lambda/(2m) (2t<W,V> + t^2 ||V||^2), written without cancellation.
  const double l2 = base_.l2 + t * (l2_linear_ + t * l2_quadratic_);
  return loss_sum(c_.spec.loss, Z, A, c_.Y) / static_cast<double>(c_.m()) + l2;
}

}  // namespace gradfuzz::detail

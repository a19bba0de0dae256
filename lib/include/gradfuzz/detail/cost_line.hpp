#pragma once
// CostLine: J along a direction, J(theta + t v), for fast mode's directional derivatives.
// The direction v holds a matrix per quantity it moves: any parameters (W<l> for dW<l>, b<l> for
// db<l>), or one intermediate (Z<l> for dZ<l>, A<l> for dA<l>). Layers before the first one v
// touches are reused from the base forward pass, and the first touched pre-activation moves by
// t times a tangent computed once, so each evaluation costs only the layers after it.

#include <armadillo>
#include <cstddef>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz::detail {

class CostLine {
 public:
  /// `base` must be forward(c); both must outlive the line. Throws std::invalid_argument for a
  /// direction that mixes an intermediate with anything else, or whose shapes are not the case's.
  CostLine(const Case& c, const ForwardPass& base, const Gradients& direction);

  /// J(theta + t v). If `kinks_crossed` is given it is set to the number of relu/leaky_relu
  /// pre-activations on another side of 0 than in the base pass.
  double cost(double t, std::size_t* kinks_crossed = nullptr) const;
  /// J at t = 0.
  double base_cost() const { return base_.cost; }
  /// The first layer whose pre-activation v moves.
  int first_layer() const { return first_; }

 private:
  const Case& c_;
  const ForwardPass& base_;
  const Gradients& v_;
  int first_ = 1;
  arma::mat tangent_;        // d Z<first> / dt
  double l2_linear_ = 0;     // lambda/(2m) * 2 <W, V> over the moved W
  double l2_quadratic_ = 0;  // lambda/(2m) * ||V||^2
};

}  // namespace gradfuzz::detail

#pragma once
// The backprop of a course-style two-layer network (tanh hidden layer, sigmoid output,
// binary cross-entropy), written by hand with Armadillo, as a gradfuzz::GradientSource so that
// gradfuzz can check it. A constructor flag plants one of two classic bugs.

#include <gradfuzz/gradient_source.hpp>

class TwoLayerBackprop : public gradfuzz::GradientSource {
 public:
  enum class Bug {
    none,
    missing_inv_m,  ///< dW = dZ A^T and db = sum(dZ): the gradient of the summed loss
    dW_transposed,  ///< dW = A dZ^T: n<l-1> x n<l> where n<l> x n<l-1> is due
  };
  explicit TwoLayerBackprop(Bug bug = Bug::none) : bug_(bug) {}

  /// Only what this code handles: tanh and sigmoid layers, bce, no L2. The depth is not in
  /// SourceInfo: a campaign pins it (see the test's options).
  gradfuzz::SourceInfo info() const override;
  /// dW1, db1, dW2, db2 of J = -(1/m) sum(Y log A2 + (1-Y) log(1-A2)). Throws
  /// gradfuzz::ProtocolError for a network that is not tanh-sigmoid with bce.
  gradfuzz::Gradients gradients(const gradfuzz::Case& c) override;

 private:
  Bug bug_;
};

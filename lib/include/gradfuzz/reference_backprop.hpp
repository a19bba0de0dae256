#pragma once
// The reference backprop: the course's vectorized equations, one overridable step each, so a
// mutant (one known bug) is a small subclass that overrides one step.
//
//   dZ[L] = A[L] - Y                       (bce with sigmoid, ce with softmax)
//   dZ[L] = (A[L] - Y) * g[L]'(Z[L])       (mse)
//   dW[l] = s dZ[l] A[l-1]^T + s lambda W[l]
//   db[l] = s sum(dZ[l], axis=1)
//   dA[l-1] = W[l]^T dZ[l]
//   dZ[l-1] = dA[l-1] * g[l-1]'(Z[l-1])
// with s = 1/m in the mean convention and s = 1 in the sum convention; dZ and dA are per example.

#include <string>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/gradient_source.hpp"

namespace gradfuzz {

class ReferenceBackprop : public GradientSource {
 public:
  explicit ReferenceBackprop(Convention convention = Convention::mean);
  SourceInfo info() const override;
  /// Every dW<l>, db<l> (l = 1..L), dZ<l> (l = 1..L) and dA<l> (l = 0..L-1).
  Gradients gradients(const Case& c) override;
  /// The same from a forward pass already taken of `c` (a diagnosis tries many variants on
  /// one case).
  Gradients gradients_from(const Case& c, const ForwardPass& f) const;

  /// What each step may read.
  struct Pass {
    const Case& c;
    const ForwardPass& f;
    double s;  ///< 1/m (mean) or 1 (sum)
  };

  /// The steps below, as bits: which of them a variant (a mutant, a diagnosis's alternative)
  /// replaces, so that two variants that replace different steps can be combined.
  enum Step : unsigned {
    step_output_delta = 1,
    step_activation_backward = 2,
    step_weight_gradient = 4,
    step_bias_gradient = 8,
    step_regularization_gradient = 16,
    step_propagate = 32,
  };
  /// The steps this variant replaces (the reference: none).
  virtual unsigned replaced_steps() const { return 0; }

  // The steps, public so that a combination of variants can call each variant's own.
  virtual arma::mat output_delta(const Pass& p) const;
  virtual arma::mat activation_backward(const Pass& p, int l, const arma::mat& dA) const;
  virtual arma::mat weight_gradient(const Pass& p, int l, const arma::mat& dZ) const;
  virtual arma::mat bias_gradient(const Pass& p, int l, const arma::mat& dZ) const;
  virtual arma::mat regularization_gradient(const Pass& p, int l) const;
  virtual arma::mat propagate(const Pass& p, int l, const arma::mat& dZ) const;

 protected:
  virtual std::string name() const { return "reference"; }

 private:
  Convention convention_;
};

}  // namespace gradfuzz

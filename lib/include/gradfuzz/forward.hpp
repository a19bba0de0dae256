#pragma once
// The forward pass Z<l> = W<l> A<l-1> + b<l>, A<l> = g<l>(Z<l>), A0 = X, and the cost
// J = (1/m) sum of losses + (lambda / (2m)) sum_l ||W<l>||_F^2.

#include <armadillo>
#include <functional>
#include <vector>

#include "gradfuzz/case.hpp"

namespace gradfuzz {

struct ForwardPass {
  std::vector<arma::mat> Z;  ///< Z[l] for l = 1..L; Z[0] is empty
  std::vector<arma::mat> A;  ///< A[l] for l = 0..L; A[0] = X
  double loss_sum = 0;       ///< sum of per-example losses (no 1/m)
  double l2 = 0;             ///< (lambda / (2m)) sum ||W||_F^2
  double cost = 0;           ///< J = loss_sum / m + l2
};

/// Runs the whole network on the case's batch. The case must be valid.
ForwardPass forward(const Case& c);

/// (lambda / (2m)) sum_l ||W<l>||_F^2, the L2 term of J.
double l2_term(const Case& c);

/// Called with each layer's pre-activation as a continued forward pass computes it.
template <class T>
using ZObserver = std::function<void(int layer, const arma::Mat<T>& Z)>;

/// J as a function of the pre-activation of layer `l`: runs layers l..L from the given Z<l>
/// (n<l> x m) and returns loss_sum / m + `l2` (the caller's L2 term, which Z does not change).
/// Instantiated for double and std::complex<double>. `observe`, if given, sees Z<l>..Z<L>.
template <class T>
T cost_from_Z(const Case& c, int l, const arma::Mat<T>& Z, T l2,
              const ZObserver<T>* observe = nullptr);

}  // namespace gradfuzz

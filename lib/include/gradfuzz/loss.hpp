#pragma once
// Losses as PROTOCOL.md defines them. Each is summed over output units and averaged over the
// batch to give the cost J; this header gives the batch *sum* so callers decide the 1/m.

#include <armadillo>
#include <optional>
#include <string_view>
#include <vector>

#include "gradfuzz/activation.hpp"

namespace gradfuzz {

enum class Loss { bce, ce, mse };

const std::vector<Loss>& all_losses();
std::string_view to_string(Loss loss);
std::optional<Loss> find_loss(std::string_view name);
/// Like find_loss, but throws std::invalid_argument naming the known losses.
Loss parse_loss(std::string_view name);

/// Whether `output` may be the last layer's activation under `loss`
/// (bce: sigmoid; ce: softmax; mse: anything but softmax).
bool loss_fits_output(Loss loss, Activation output);

/// sum over examples and output units of the per-example loss L (no 1/m):
///   bce: -(Y log A + (1-Y) log(1-A)), computed from Z as Y softplus(-Z) + (1-Y) softplus(Z),
///        so a saturated sigmoid never takes log(0);
///   ce:  -Y log softmax(Z), with log-sum-exp;
///   mse: (A - Y)^2 / 2.
/// `ZL` and `AL` are the last layer's pre-activation and activation (nL x m), `Y` is nL x m.
/// Instantiated for double and std::complex<double> (complex step).
template <class T>
T loss_sum(Loss loss, const arma::Mat<T>& ZL, const arma::Mat<T>& AL, const arma::mat& Y);

}  // namespace gradfuzz

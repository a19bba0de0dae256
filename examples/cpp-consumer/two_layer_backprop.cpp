#include "two_layer_backprop.hpp"

#include <armadillo>

using gradfuzz::Activation;
using gradfuzz::Quantity;

gradfuzz::SourceInfo TwoLayerBackprop::info() const {
  gradfuzz::SourceInfo info;
  info.name = bug_ == Bug::none            ? "two_layer_backprop"
              : bug_ == Bug::missing_inv_m ? "two_layer_backprop (missing 1/m)"
                                           : "two_layer_backprop (dW transposed)";
  info.activations = {Activation::tanh, Activation::sigmoid};
  info.losses = {gradfuzz::Loss::bce};
  info.regularization = false;
  return info;
}

gradfuzz::Gradients TwoLayerBackprop::gradients(const gradfuzz::Case& c) {
  if (c.depth() != 2 || c.spec.g(1) != Activation::tanh || c.spec.g(2) != Activation::sigmoid ||
      c.spec.loss != gradfuzz::Loss::bce || c.spec.lambda != 0)
    throw gradfuzz::ProtocolError("two_layer_backprop handles only tanh,sigmoid with bce, got " +
                                  c.spec.describe() + ": pin --activations tanh,sigmoid");
  const arma::mat& X = c.X;
  const arma::mat& Y = c.Y;
  const arma::mat& W1 = c.W[0];
  const arma::mat& W2 = c.W[1];
  const double m = static_cast<double>(X.n_cols);

  // Forward propagation.
  const arma::mat Z1 = W1 * X + arma::repmat(c.b[0], 1, X.n_cols);
  const arma::mat A1 = arma::tanh(Z1);
  const arma::mat Z2 = W2 * A1 + arma::repmat(c.b[1], 1, X.n_cols);
  const arma::mat A2 = 1 / (1 + arma::exp(-Z2));

  // Backward propagation.
  const double s = bug_ == Bug::missing_inv_m ? 1.0 : 1 / m;
  const arma::mat dZ2 = A2 - Y;
  const arma::mat dZ1 = (W2.t() * dZ2) % (1 - arma::square(A1));
  arma::mat dW1 = s * dZ1 * X.t();
  if (bug_ == Bug::dW_transposed) dW1 = s * X * dZ1.t();

  return {{Quantity::dW(1), dW1},
          {Quantity::db(1), s * arma::sum(dZ1, 1)},
          {Quantity::dW(2), s * dZ2 * A1.t()},
          {Quantity::db(2), s * arma::sum(dZ2, 1)}};
}

#pragma once
// Activation functions g and their derivatives g', in the course's notation A = g(Z).

#include <armadillo>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gradfuzz {

enum class Activation { sigmoid, tanh, relu, leaky_relu, linear, softmax };

/// Every activation, in a fixed order (the order of the enum).
const std::vector<Activation>& all_activations();
std::string_view to_string(Activation a);
/// The activation named `name` (exactly as PROTOCOL.md spells it), or nothing.
std::optional<Activation> find_activation(std::string_view name);
/// Like find_activation, but throws std::invalid_argument naming the known activations.
Activation parse_activation(std::string_view name);

/// True where g is not differentiable everywhere (relu and leaky_relu have a kink at Z = 0).
bool has_kink(Activation a);
/// True where g acts on each entry alone (everything but softmax, which mixes a column).
bool is_elementwise(Activation a);

/// A = g(Z), entry by entry (softmax: column by column, each column summing to 1).
/// `leaky_slope` is the slope of leaky_relu for Z < 0. Instantiated for double and
/// std::complex<double>; for complex input every branch is decided by the real part, so a
/// complex step through a smooth g gives its derivative.
template <class T>
arma::Mat<T> activate(Activation g, const arma::Mat<T>& Z, double leaky_slope);

/// g'(Z) entry by entry, as the course writes it: relu'(0) = 0, leaky_relu'(0) = leaky_slope.
/// Throws std::invalid_argument for softmax, whose derivative is a Jacobian per column.
arma::mat activation_derivative(Activation g, const arma::mat& Z, double leaky_slope);

}  // namespace gradfuzz

#pragma once
// The architecture of a network: sizes n0..nL, one activation per layer 1..L, the loss,
// the L2 strength lambda and leaky_relu's slope. Layers are numbered 1..L as in the course.

#include <armadillo>
#include <stdexcept>
#include <string>
#include <vector>

#include "gradfuzz/activation.hpp"
#include "gradfuzz/loss.hpp"

namespace gradfuzz {

/// Thrown for a spec or case that cannot describe a valid network; what() says which part
/// is wrong and what would be valid.
class SpecError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct NetSpec {
  std::vector<arma::uword> sizes;       ///< n0 (inputs), n1, ..., nL
  std::vector<Activation> activations;  ///< g1..gL; activations[l-1] is layer l's
  Loss loss = Loss::bce;
  double lambda = 0.0;        ///< L2 strength; 0 turns regularization off
  double leaky_slope = 0.01;  ///< leaky_relu's slope for Z < 0

  /// L, the number of layers with parameters.
  int depth() const { return static_cast<int>(activations.size()); }
  arma::uword n(int l) const { return sizes.at(static_cast<std::size_t>(l)); }
  Activation g(int l) const { return activations.at(static_cast<std::size_t>(l - 1)); }
  /// Whether some layer has a kink (relu, leaky_relu), where finite differences need care.
  bool has_kinks() const;
  /// e.g. "3-4-1 tanh,sigmoid bce" (with lambda and slope when they matter).
  std::string describe() const;
};

bool operator==(const NetSpec& a, const NetSpec& b);

/// The largest L2 strength gradfuzz judges. Beyond it the L2 term (lambda/(2m))||W||^2 so
/// outweighs the data term of J, and lambda/m W the data part of dW, that a wrong data gradient
/// hides below the tolerance (at lambda = 1e10 a backprop without the hidden layers' activation
/// derivative passed) and J's rounding swamps the differences (1e308 overflows J to inf). Such
/// cases are refused, not judged; courses use lambda around 0.01 to 10.
inline constexpr double kMaxLambda = 1000;

/// Throws SpecError unless the spec is one PROTOCOL.md allows: L >= 1, every size >= 1,
/// one activation per layer, softmax only on the output layer and only with ce (at least 2
/// units), ce only with softmax, bce only with a sigmoid output, lambda finite, >= 0 and at
/// most kMaxLambda, leaky_slope finite.
void validate(const NetSpec& spec);

}  // namespace gradfuzz

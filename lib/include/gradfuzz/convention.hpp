#pragma once
// Two facts about a gradient source that change what its numbers must equal.

#include <optional>
#include <string_view>

namespace gradfuzz {

/// Which function a source differentiates.
///   mean: J itself, so dW<l> = dJ/dW<l> carries the 1/m (the course's default);
///   sum:  m * J, the loss summed over the batch, with no 1/m.
/// Intermediates dZ<l>, dA<l> are per example (dL/dZ<l>, no 1/m) in the course, which is the
/// `sum` convention's value for them.
enum class Convention { mean, sum };

/// The floating-point type the code under test computes in; tolerances follow it.
enum class Precision { float64, float32 };

std::string_view to_string(Convention c);
std::optional<Convention> find_convention(std::string_view name);
std::string_view to_string(Precision p);
std::optional<Precision> find_precision(std::string_view name);
/// Machine epsilon of the precision: 2^-52 or 2^-23.
double machine_epsilon(Precision p);
/// The smallest normal number of the precision: 2^-1022 or 2^-126. Below it digits are lost.
double smallest_normal(Precision p);

}  // namespace gradfuzz

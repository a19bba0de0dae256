#include "gradfuzz/convention.hpp"

#include <limits>

namespace gradfuzz {

std::string_view to_string(Convention c) {
  return c == Convention::mean ? "mean" : "sum";
}

std::optional<Convention> find_convention(std::string_view name) {
  if (name == "mean") return Convention::mean;
  if (name == "sum") return Convention::sum;
  return std::nullopt;
}

std::string_view to_string(Precision p) {
  return p == Precision::float64 ? "float64" : "float32";
}

std::optional<Precision> find_precision(std::string_view name) {
  if (name == "float64") return Precision::float64;
  if (name == "float32") return Precision::float32;
  return std::nullopt;
}

double smallest_normal(Precision p) {
  return p == Precision::float64 ? std::numeric_limits<double>::min()
                                 : static_cast<double>(std::numeric_limits<float>::min());
}

double machine_epsilon(Precision p) {
  return p == Precision::float64 ? std::numeric_limits<double>::epsilon()
                                 : static_cast<double>(std::numeric_limits<float>::epsilon());
}

}  // namespace gradfuzz

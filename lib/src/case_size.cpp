#include "gradfuzz/case_size.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

namespace gradfuzz {
namespace {

std::string count(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", x);
  return buffer;
}

}  // namespace

CaseSize case_size(const NetSpec& spec, double m) {
  CaseSize s;
  double widest = 0;
  for (std::size_t l = 0; l < spec.sizes.size(); ++l) {
    const double n = static_cast<double>(spec.sizes[l]);
    widest = std::max(widest, n);
    s.activations += n * m;
    s.largest_matrix = std::max(s.largest_matrix, n * m);
    if (l > 0) {
      const double previous = static_cast<double>(spec.sizes[l - 1]);
      s.parameters += n * (previous + 1);
      s.largest_matrix = std::max(s.largest_matrix, n * previous);
    }
  }
  // The batched finite differences push blocks of about max(256, m) shifted columns through
  // the layers (shifted_costs.cpp: kBlockColumns), a few matrices of them per thread.
  const double threads = std::max(1u, std::thread::hardware_concurrency());
  s.bytes =
      8 * (12 * s.parameters + 12 * s.activations + threads * 4 * widest * std::max(256.0, m));
  return s;
}

void check_size(const NetSpec& spec, arma::uword m) {
  auto refuse = [](const std::string& name, arma::uword rows, arma::uword cols) {
    const double entries = static_cast<double>(rows) * static_cast<double>(cols);
    if (entries > kMaxCaseMatrixEntries)
      throw SpecError(name + " would be " + std::to_string(rows) + " x " + std::to_string(cols) +
                      " (" + count(entries) + " entries): at most " + count(kMaxCaseMatrixEntries) +
                      " entries a matrix");
  };
  for (std::size_t l = 1; l < spec.sizes.size(); ++l)
    refuse("W" + std::to_string(l), spec.sizes[l], spec.sizes[l - 1]);
  for (std::size_t l = 0; l < spec.sizes.size(); ++l)
    refuse(l == 0 ? "X" : "Z" + std::to_string(l), spec.sizes[l], m);
}

}  // namespace gradfuzz

#include "gradfuzz/loss.hpp"

#include <array>
#include <complex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "vector_math.hpp"

namespace gradfuzz {
namespace {

constexpr std::array<std::pair<Loss, std::string_view>, 3> kNames{{
    {Loss::bce, "bce"},
    {Loss::ce, "ce"},
    {Loss::mse, "mse"},
}};

double real_part(double x) {
  return x;
}
double real_part(const std::complex<double>& x) {
  return x.real();
}

// For complex steps the imaginary part is what matters, and log(1 + e) keeps it exact.
// (The double case is written out in loss_sum.)
std::complex<double> log1p_exp(const std::complex<double>& x) {
  return std::log(1.0 + std::exp(x));
}

double log1p_of(double x) {
  return std::log1p(x);
}
std::complex<double> log1p_of(const std::complex<double>& x) {
  return std::log(1.0 + x);
}

// softplus(z) = log(1 + e^z), branching on the real part so exp never overflows.
template <class T>
T softplus(T z) {
  if (real_part(z) > 0) return z + log1p_exp(-z);
  return log1p_exp(z);
}

}  // namespace

const std::vector<Loss>& all_losses() {
  static const std::vector<Loss> all{Loss::bce, Loss::ce, Loss::mse};
  return all;
}

std::string_view to_string(Loss loss) {
  for (const auto& [value, name] : kNames)
    if (value == loss) return name;
  return "?";
}

std::optional<Loss> find_loss(std::string_view name) {
  for (const auto& [value, known] : kNames)
    if (known == name) return value;
  return std::nullopt;
}

Loss parse_loss(std::string_view name) {
  if (auto loss = find_loss(name)) return *loss;
  throw std::invalid_argument("unknown loss '" + std::string(name) +
                              "': expected one of bce, ce, mse");
}

bool loss_fits_output(Loss loss, Activation output) {
  switch (loss) {
    case Loss::bce:
      return output == Activation::sigmoid;
    case Loss::ce:
      return output == Activation::softmax;
    case Loss::mse:
      return output != Activation::softmax;
  }
  return false;
}

template <class T>
T loss_sum(Loss loss, const arma::Mat<T>& ZL, const arma::Mat<T>& AL, const arma::mat& Y) {
  T total(0);
  switch (loss) {
    case Loss::bce:
      if constexpr (std::is_same_v<T, double>) {
        // softplus(z) and softplus(-z) share log1p(e^-|z|): one exp and one log1p per entry,
        // with softplus()'s formulas, taken a vector at a time.
        thread_local std::vector<double> tails;
        tails.resize(ZL.n_elem);
        for (arma::uword k = 0; k < ZL.n_elem; ++k) tails[k] = -std::abs(ZL[k]);
        detail::exp_in_place(tails);
        detail::log1p_in_place(tails);
        for (arma::uword k = 0; k < ZL.n_elem; ++k) {
          const double z = ZL[k], tail = tails[k];
          const double up = z > 0 ? z + tail : tail, down = -z > 0 ? -z + tail : tail;
          total += Y[k] * down + (1.0 - Y[k]) * up;
        }
      } else {
        for (arma::uword k = 0; k < ZL.n_elem; ++k)
          total += Y[k] * softplus(-ZL[k]) + (1.0 - Y[k]) * softplus(ZL[k]);
      }
      return total;
    case Loss::ce:
      // -sum_i y_i log softmax_i = sum_i y_i (top - z_i) + (sum_i y_i) log(1 + rest), with
      // top the largest z and rest = sum over the others of e^(z - top): every term is >= 0,
      // so a nearly perfect prediction (J ~ 1e-18) keeps all its digits.
      for (arma::uword j = 0; j < ZL.n_cols; ++j) {
        arma::uword at = 0;
        for (arma::uword i = 1; i < ZL.n_rows; ++i)
          if (real_part(ZL(i, j)) > real_part(ZL(at, j))) at = i;
        const T top = ZL(at, j);
        T rest(0);
        double mass = 0;
        for (arma::uword i = 0; i < ZL.n_rows; ++i) {
          mass += Y(i, j);
          if (i == at) continue;
          rest += std::exp(ZL(i, j) - top);
          total += Y(i, j) * (top - ZL(i, j));
        }
        total += mass * log1p_of(rest);
      }
      return total;
    case Loss::mse:
      for (arma::uword k = 0; k < AL.n_elem; ++k) {
        const T diff = AL[k] - Y[k];
        total += 0.5 * diff * diff;
      }
      return total;
  }
  throw std::logic_error("loss_sum: unhandled loss");
}

template double loss_sum(Loss, const arma::Mat<double>&, const arma::Mat<double>&,
                         const arma::mat&);
template std::complex<double> loss_sum(Loss, const arma::Mat<std::complex<double>>&,
                                       const arma::Mat<std::complex<double>>&, const arma::mat&);

}  // namespace gradfuzz

#include "gradfuzz/activation.hpp"

#include <array>
#include <complex>
#include <stdexcept>
#include <type_traits>

#include "vector_math.hpp"

namespace gradfuzz {
namespace {

constexpr std::array<std::pair<Activation, std::string_view>, 6> kNames{{
    {Activation::sigmoid, "sigmoid"},
    {Activation::tanh, "tanh"},
    {Activation::relu, "relu"},
    {Activation::leaky_relu, "leaky_relu"},
    {Activation::linear, "linear"},
    {Activation::softmax, "softmax"},
}};

double real_part(double x) {
  return x;
}
double real_part(const std::complex<double>& x) {
  return x.real();
}

// Written so that neither branch overflows: exp is only taken of a non-positive real part.
template <class T>
T sigmoid(T z) {
  if (real_part(z) >= 0) return T(1) / (T(1) + std::exp(-z));
  const T e = std::exp(z);
  return e / (T(1) + e);
}

// sigmoid(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) below, e = exp(-|z|): the same formulas
// as sigmoid() above with the exps taken a vector at a time.
arma::mat sigmoid_of(const arma::mat& Z) {
  arma::mat A = arma::abs(Z);
  A *= -1;
  detail::exp_in_place({A.memptr(), A.n_elem});
  for (arma::uword k = 0; k < A.n_elem; ++k) {
    const double e = A[k];
    A[k] = Z[k] >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
  }
  return A;
}

arma::mat tanh_of(const arma::mat& Z) {
  arma::mat A(Z);
  detail::tanh_in_place({A.memptr(), A.n_elem});
  return A;
}

template <class T>
arma::Mat<T> softmax_columns(const arma::Mat<T>& Z) {
  arma::Mat<T> A(Z.n_rows, Z.n_cols);
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    double top = real_part(Z(0, j));
    for (arma::uword i = 1; i < Z.n_rows; ++i) top = std::max(top, real_part(Z(i, j)));
    T total(0);
    for (arma::uword i = 0; i < Z.n_rows; ++i) total += (A(i, j) = std::exp(Z(i, j) - top));
    for (arma::uword i = 0; i < Z.n_rows; ++i) A(i, j) /= total;
  }
  return A;
}

}  // namespace

const std::vector<Activation>& all_activations() {
  static const std::vector<Activation> all{Activation::sigmoid, Activation::tanh,
                                           Activation::relu,    Activation::leaky_relu,
                                           Activation::linear,  Activation::softmax};
  return all;
}

std::string_view to_string(Activation a) {
  for (const auto& [value, name] : kNames)
    if (value == a) return name;
  return "?";
}

std::optional<Activation> find_activation(std::string_view name) {
  for (const auto& [value, known] : kNames)
    if (known == name) return value;
  return std::nullopt;
}

Activation parse_activation(std::string_view name) {
  if (auto a = find_activation(name)) return *a;
  throw std::invalid_argument(
      "unknown activation '" + std::string(name) +
      "': expected one of sigmoid, tanh, relu, leaky_relu, linear, softmax");
}

bool has_kink(Activation a) {
  return a == Activation::relu || a == Activation::leaky_relu;
}
bool is_elementwise(Activation a) {
  return a != Activation::softmax;
}

template <class T>
arma::Mat<T> activate(Activation g, const arma::Mat<T>& Z, double leaky_slope) {
  switch (g) {
    case Activation::sigmoid: {
      if constexpr (std::is_same_v<T, double>) return sigmoid_of(Z);
      arma::Mat<T> A(arma::size(Z));
      for (arma::uword k = 0; k < Z.n_elem; ++k) A[k] = sigmoid(Z[k]);
      return A;
    }
    case Activation::tanh:
      if constexpr (std::is_same_v<T, double>) return tanh_of(Z);
      return arma::tanh(Z);
    case Activation::relu: {
      arma::Mat<T> A(Z);
      for (arma::uword k = 0; k < A.n_elem; ++k)
        if (!(real_part(A[k]) > 0)) A[k] = T(0);
      return A;
    }
    case Activation::leaky_relu: {
      arma::Mat<T> A(Z);
      for (arma::uword k = 0; k < A.n_elem; ++k)
        if (real_part(A[k]) < 0) A[k] *= leaky_slope;
      return A;
    }
    case Activation::linear:
      return Z;
    case Activation::softmax:
      return softmax_columns(Z);
  }
  throw std::logic_error("activate: unhandled activation");
}

arma::mat activation_derivative(Activation g, const arma::mat& Z, double leaky_slope) {
  switch (g) {
    case Activation::sigmoid: {
      const arma::mat A = activate(g, Z, leaky_slope);
      return A % (1.0 - A);
    }
    case Activation::tanh: {
      const arma::mat A = tanh_of(Z);
      return 1.0 - A % A;
    }
    case Activation::relu:
      return arma::conv_to<arma::mat>::from(Z > 0.0);
    case Activation::leaky_relu: {
      arma::mat d(arma::size(Z), arma::fill::ones);
      d.elem(arma::find(Z <= 0.0)).fill(leaky_slope);
      return d;
    }
    case Activation::linear:
      return arma::mat(arma::size(Z), arma::fill::ones);
    case Activation::softmax:
      throw std::invalid_argument(
          "softmax has no elementwise derivative: its output delta comes from the loss (A - Y)");
  }
  throw std::logic_error("activation_derivative: unhandled activation");
}

template arma::Mat<double> activate(Activation, const arma::Mat<double>&, double);
template arma::Mat<std::complex<double>> activate(Activation,
                                                  const arma::Mat<std::complex<double>>&, double);

}  // namespace gradfuzz

#include "gradfuzz/forward.hpp"

#include <complex>

#include "gradfuzz/loss.hpp"

namespace gradfuzz {

double l2_term(const Case& c) {
  if (c.spec.lambda == 0) return 0;
  double squares = 0;
  for (const auto& W : c.W) squares += arma::accu(arma::square(W));
  return c.spec.lambda / (2.0 * static_cast<double>(c.m())) * squares;
}

ForwardPass forward(const Case& c) {
  const int L = c.depth();
  ForwardPass f;
  f.Z.resize(static_cast<std::size_t>(L) + 1);
  f.A.resize(static_cast<std::size_t>(L) + 1);
  f.A[0] = c.X;
  for (int l = 1; l <= L; ++l) {
    const auto k = static_cast<std::size_t>(l);
    f.Z[k] = c.W_of(l) * f.A[k - 1];
    f.Z[k].each_col() += c.b_of(l);
    f.A[k] = activate(c.spec.g(l), f.Z[k], c.spec.leaky_slope);
  }
  const auto last = static_cast<std::size_t>(L);
  f.loss_sum = loss_sum(c.spec.loss, f.Z[last], f.A[last], c.Y);
  f.l2 = l2_term(c);
  f.cost = f.loss_sum / static_cast<double>(c.m()) + f.l2;
  return f;
}

template <class T>
T cost_from_Z(const Case& c, int l, const arma::Mat<T>& Z, T l2, const ZObserver<T>* observe) {
  const int L = c.depth();
  arma::Mat<T> current = Z;
  if (observe) (*observe)(l, current);
  arma::Mat<T> A = activate(c.spec.g(l), current, c.spec.leaky_slope);
  for (int k = l + 1; k <= L; ++k) {
    current = arma::conv_to<arma::Mat<T>>::from(c.W_of(k)) * A;
    current.each_col() += arma::conv_to<arma::Col<T>>::from(c.b_of(k).col(0));
    if (observe) (*observe)(k, current);
    A = activate(c.spec.g(k), current, c.spec.leaky_slope);
  }
  return loss_sum(c.spec.loss, current, A, c.Y) / static_cast<double>(c.m()) + l2;
}

template double cost_from_Z(const Case&, int, const arma::Mat<double>&, double,
                            const ZObserver<double>*);
template std::complex<double> cost_from_Z(const Case&, int, const arma::Mat<std::complex<double>>&,
                                          std::complex<double>,
                                          const ZObserver<std::complex<double>>*);

}  // namespace gradfuzz

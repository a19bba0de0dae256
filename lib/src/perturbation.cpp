#include "gradfuzz/perturbation.hpp"

#include <stdexcept>
#include <string>

namespace gradfuzz {

CostProbe::CostProbe(const Case& c, const ForwardPass& base)
    : c_(c), base_(base), has_kinks_(c.spec.has_kinks()) {
  for (int l = 1; l <= c.depth(); ++l)
    if (has_kink(c.spec.g(l)) &&
        arma::any(arma::vectorise(base.Z[static_cast<std::size_t>(l)]) == 0.0))
      on_kink_ = true;
  const int L = c.depth();
  const arma::mat& ZL = base.Z[static_cast<std::size_t>(L)];
  arma::mat delta = base.A[static_cast<std::size_t>(L)] - c.Y;
  if (c.spec.loss == Loss::mse) delta %= activation_derivative(c.spec.g(L), ZL, c.spec.leaky_slope);
  rounding_scale_ = std::abs(base.cost) + arma::accu(arma::abs(delta) % (arma::abs(ZL) + 1.0)) /
                                              static_cast<double>(c.m());
}

void CostProbe::select(Quantity q, arma::uword row, arma::uword col) {
  const int L = c_.depth();
  const arma::mat* M = nullptr;
  switch (q.kind) {
    case Quantity::Kind::dW:
      if (q.layer >= 1 && q.layer <= L) M = &c_.W_of(q.layer);
      break;
    case Quantity::Kind::db:
      if (q.layer >= 1 && q.layer <= L) M = &c_.b_of(q.layer);
      break;
    case Quantity::Kind::dZ:
      if (q.layer >= 1 && q.layer <= L) M = &base_.Z[static_cast<std::size_t>(q.layer)];
      break;
    case Quantity::Kind::dA:
      if (q.layer >= 0 && q.layer < L) M = &base_.A[static_cast<std::size_t>(q.layer)];
      break;
  }
  if (!M || row >= M->n_rows || col >= M->n_cols)
    throw std::out_of_range("no entry (" + std::to_string(row) + "," + std::to_string(col) +
                            ") of the quantity behind " + q.name() + " in this network");
  q_ = q;
  precomputed_ = {};
  row_ = row;
  col_ = col;
  entry_ = (*M)(row, col);
}

double CostProbe::cost(double delta, std::size_t* kinks_crossed) const {
  for (std::size_t k = 0; k < precomputed_.delta.size(); ++k)
    if (precomputed_.delta[k] == delta) {
      if (kinks_crossed) *kinks_crossed = precomputed_.crossed[k];
      return precomputed_.cost[k];
    }
  if (kinks_crossed) *kinks_crossed = 0;
  return evaluate(delta, kinks_crossed);
}

std::complex<double> CostProbe::cost(std::complex<double> delta) const {
  return evaluate(delta, nullptr);
}

template <class T>
T CostProbe::evaluate(T delta, std::size_t* kinks_crossed) const {
  const auto m = static_cast<double>(c_.m());
  T l2(base_.l2);
  int start = q_.layer;
  arma::Mat<T> Z;
  switch (q_.kind) {
    case Quantity::Kind::dW: {
      // Z<l> = W<l> A<l-1> + b<l>: a shift of W(r,c) moves row r of Z by delta * A<l-1>(c, :).
      Z = arma::conv_to<arma::Mat<T>>::from(base_.Z[static_cast<std::size_t>(start)]);
      const arma::rowvec a = base_.A[static_cast<std::size_t>(start - 1)].row(col_);
      for (arma::uword j = 0; j < Z.n_cols; ++j) Z(row_, j) += delta * a(j);
      // The L2 term changes by lambda/(2m) ((w + d)^2 - w^2), written without cancellation.
      l2 += c_.spec.lambda / (2.0 * m) * (2.0 * entry_ + delta) * delta;
      break;
    }
    case Quantity::Kind::db:
      Z = arma::conv_to<arma::Mat<T>>::from(base_.Z[static_cast<std::size_t>(start)]);
      for (arma::uword j = 0; j < Z.n_cols; ++j) Z(row_, j) += delta;
      break;
    case Quantity::Kind::dZ:
      Z = arma::conv_to<arma::Mat<T>>::from(base_.Z[static_cast<std::size_t>(start)]);
      Z(row_, col_) += delta;
      break;
    case Quantity::Kind::dA: {
      // A<l>(r, c) feeds column c of Z<l+1> through column r of W<l+1>.
      start = q_.layer + 1;
      Z = arma::conv_to<arma::Mat<T>>::from(base_.Z[static_cast<std::size_t>(start)]);
      const arma::mat& W = c_.W_of(start);
      for (arma::uword i = 0; i < Z.n_rows; ++i) Z(i, col_) += W(i, row_) * delta;
      break;
    }
  }
  if (kinks_crossed && has_kinks_) {
    const ZObserver<T> observe = [&](int l, const arma::Mat<T>& Zl) {
      if (!has_kink(c_.spec.g(l))) return;
      const arma::mat& Zb = base_.Z[static_cast<std::size_t>(l)];
      for (arma::uword k = 0; k < Zb.n_elem; ++k) {
        const double now = std::real(Zl[k]);
        if ((now > 0) != (Zb[k] > 0) || (now < 0) != (Zb[k] < 0)) ++*kinks_crossed;
      }
    };
    return cost_from_Z<T>(c_, start, Z, l2, &observe);
  }
  return cost_from_Z<T>(c_, start, Z, l2);
}

}  // namespace gradfuzz

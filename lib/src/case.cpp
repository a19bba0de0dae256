#include "gradfuzz/case.hpp"

#include <cmath>
#include <sstream>

namespace gradfuzz {
namespace {

std::string shape(const arma::mat& M) {
  return std::to_string(M.n_rows) + " x " + std::to_string(M.n_cols);
}

void expect_shape(const arma::mat& M, const std::string& name, arma::uword rows, arma::uword cols,
                  const std::string& why) {
  if (M.n_rows != rows || M.n_cols != cols)
    throw SpecError(name + " is " + shape(M) + ", expected " + std::to_string(rows) + " x " +
                    std::to_string(cols) + " (" + why + ")");
}

void expect_finite(const arma::mat& M, const std::string& name) {
  for (arma::uword j = 0; j < M.n_cols; ++j)
    for (arma::uword i = 0; i < M.n_rows; ++i)
      if (!std::isfinite(M(i, j)))
        throw SpecError(name + "(" + std::to_string(i) + "," + std::to_string(j) + ") is " +
                        std::to_string(M(i, j)) + ": every input must be a finite number");
}

}  // namespace

arma::uword Case::parameter_count() const {
  arma::uword total = 0;
  for (int l = 1; l <= depth(); ++l) total += spec.n(l) * (spec.n(l - 1) + 1);
  return total;
}

void validate(const Case& c) {
  validate(c.spec);
  const int L = c.depth();
  if (c.W.size() != static_cast<std::size_t>(L) || c.b.size() != static_cast<std::size_t>(L))
    throw SpecError("the case has " + std::to_string(c.W.size()) + " weight and " +
                    std::to_string(c.b.size()) + " bias matrices for " + std::to_string(L) +
                    " layers");
  for (int l = 1; l <= L; ++l) {
    const std::string ls = std::to_string(l);
    expect_shape(c.W_of(l), "W" + ls, c.spec.n(l), c.spec.n(l - 1),
                 "n" + ls + " x n" + std::to_string(l - 1));
    expect_shape(c.b_of(l), "b" + ls, c.spec.n(l), 1, "n" + ls + " x 1");
    expect_finite(c.W_of(l), "W" + ls);
    expect_finite(c.b_of(l), "b" + ls);
  }
  if (c.m() < 1) throw SpecError("the batch is empty: X needs at least one column (m >= 1)");
  expect_shape(c.X, "X", c.spec.n(0), c.m(), "n0 x m");
  expect_shape(c.Y, "Y", c.spec.n(L), c.m(), "n" + std::to_string(L) + " x m");
  expect_finite(c.X, "X");
  expect_finite(c.Y, "Y");
  switch (c.spec.loss) {
    case Loss::bce:
      if (arma::any(arma::vectorise(c.Y) < 0.0) || arma::any(arma::vectorise(c.Y) > 1.0))
        throw SpecError("bce needs Y in [0, 1] (0/1 labels or soft labels); Y has entries in [" +
                        std::to_string(c.Y.min()) + ", " + std::to_string(c.Y.max()) + "]");
      break;
    case Loss::ce:
      for (arma::uword j = 0; j < c.m(); ++j) {
        const arma::vec column = c.Y.col(j);
        const double total = arma::accu(column);
        if (column.min() < 0 || column.max() > 1 || std::abs(total - 1.0) > 1e-9) {
          std::ostringstream msg;
          msg.precision(17);
          msg << "ce needs each column of Y to be a probability vector (entries in [0, 1] summing "
                 "to 1); column "
              << j << " sums to " << total << " with entries in [" << column.min() << ", "
              << column.max() << "]";
          throw SpecError(msg.str());
        }
      }
      break;
    case Loss::mse:
      break;
  }
}

}  // namespace gradfuzz

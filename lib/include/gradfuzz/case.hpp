#pragma once
// A Case is one concrete network with one batch: what every gradient source is asked about.

#include <armadillo>
#include <string>
#include <vector>

#include "gradfuzz/net_spec.hpp"

namespace gradfuzz {

struct Case {
  NetSpec spec;
  std::vector<arma::mat> W;  ///< W[l-1] is W<l>, n<l> x n<l-1>
  std::vector<arma::mat> b;  ///< b[l-1] is b<l>, n<l> x 1
  arma::mat X;               ///< n0 x m, examples as columns
  arma::mat Y;               ///< nL x m
  std::string replay;        ///< recreates this case (`gradfuzz replay`); empty if hand-made

  arma::uword m() const { return X.n_cols; }
  int depth() const { return spec.depth(); }
  const arma::mat& W_of(int l) const { return W.at(static_cast<std::size_t>(l - 1)); }
  const arma::mat& b_of(int l) const { return b.at(static_cast<std::size_t>(l - 1)); }
  /// Number of parameters, sum over l of n<l> (n<l-1> + 1).
  arma::uword parameter_count() const;
};

/// Throws SpecError unless the spec is valid (validate(NetSpec)), every matrix has the shape
/// the spec implies, m >= 1, every number is finite, and Y fits the loss: bce wants entries in
/// [0, 1]; ce wants each column in [0, 1] summing to 1 (within 1e-9); mse takes any real Y.
void validate(const Case& c);

}  // namespace gradfuzz

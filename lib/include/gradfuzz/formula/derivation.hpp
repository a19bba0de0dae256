#pragma once
// The chain-rule derivation of a gradient in the course's notation, step by step, for one
// network, and its check: every step is itself a formula, verified against finite differences
// of J on the same path as any user formula (FormulaSource -> check_case).

#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/check.hpp"
#include "gradfuzz/formula/shapes.hpp"
#include "gradfuzz/net_spec.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz::formula {

struct DerivationStep {
  std::string formula;  ///< e.g. "dA[1] = W[2]T dZ[2]" (parseable)
  std::string why;      ///< one sentence
  ShapeReport shapes;   ///< of the formula, on the network at hand
};

struct Derivation {
  Quantity target;
  NetSpec spec;
  arma::uword m = 1;
  /// The cost the gradients are of, e.g. "J = 1/m Σ L(A[2], Y)" (not a step to verify).
  std::string cost;
  std::string cost_why;
  std::vector<DerivationStep> steps;
  /// The steps put together, e.g. "dZ[1] = W[2]T dZ[2] * g[1]'(Z[1])", and why that is the
  /// course's formula; empty when the last step already is it.
  std::optional<DerivationStep> result;
  /// Why the 1/m is where it is (in dW and db, not in dZ and dA).
  std::string inv_m;
};

/// The derivation of `target` (dZ1..dZL, dA0..dA[L-1], dW, db) for a valid `spec` and batch m.
/// Throws std::invalid_argument for a quantity the network does not have.
Derivation derive(Quantity target, const NetSpec& spec, arma::uword m);

/// Each step (then the result) checked on `c`, a case of the derivation's network; a failing
/// check would mean gradfuzz explains something false.
std::vector<CaseResult> verify(const Derivation& d, const Case& c);

}  // namespace gradfuzz::formula

#pragma once
// RapidCheck generators of small cases for the checks: every activation and loss, consistent
// output layers, drawn so that the whole suite stays fast (depth 1..3, widths 1..5, m 1..6).

#include <rapidcheck.h>

#include <cstdint>
#include <ostream>
#include <vector>

#include "gradfuzz/numeric.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz {

/// Counterexamples print as replay strings (`gradfuzz replay` recreates them).
inline void showValue(const CaseRecipe& r, std::ostream& os) {
  os << to_string(r);
}

}  // namespace gradfuzz

namespace gradfuzz::checks {

/// Activations a hidden layer may have (everything but softmax).
inline const std::vector<Activation>& hidden_activations() {
  static const std::vector<Activation> all{Activation::sigmoid, Activation::tanh, Activation::relu,
                                           Activation::leaky_relu, Activation::linear};
  return all;
}

struct RecipeLimits {
  int min_depth = 1;
  int max_depth = 3;
  arma::uword max_width = 5;
  arma::uword max_batch = 6;
  bool regularization = true;
  bool kinks = true;  ///< false leaves relu and leaky_relu out: every layer smooth
};

/// A recipe whose spec is valid: depth min_depth..max_depth, every width 1..max_width,
/// m 1..max_batch, hidden activations from hidden_activations(), output and loss consistent
/// (sigmoid + bce, softmax + ce with nL >= 2, anything but softmax + mse), lambda 0 or in (0, 1],
/// leaky slope in (0, 0.5], any 64-bit seed, hard or soft labels. Reals come from integers mapped
/// to ranges.
inline rc::Gen<CaseRecipe> arbitrary_recipe(RecipeLimits limits = {}) {
  return rc::gen::exec([limits] {
    namespace gen = rc::gen;
    std::vector<Activation> hidden;
    for (Activation a : hidden_activations())
      if (limits.kinks || !has_kink(a)) hidden.push_back(a);
    CaseRecipe r;
    const int depth = *gen::inRange(limits.min_depth, limits.max_depth + 1);
    const Loss loss = *gen::element(Loss::bce, Loss::ce, Loss::mse);
    r.spec.loss = loss;
    r.spec.sizes.push_back(*gen::inRange<arma::uword>(1, limits.max_width + 1));
    for (int l = 1; l < depth; ++l) {
      r.spec.sizes.push_back(*gen::inRange<arma::uword>(1, limits.max_width + 1));
      r.spec.activations.push_back(*gen::elementOf(hidden));
    }
    switch (loss) {
      case Loss::bce:
        r.spec.sizes.push_back(*gen::inRange<arma::uword>(1, limits.max_width + 1));
        r.spec.activations.push_back(Activation::sigmoid);
        break;
      case Loss::ce:
        r.spec.sizes.push_back(*gen::inRange<arma::uword>(2, limits.max_width + 1));
        r.spec.activations.push_back(Activation::softmax);
        break;
      case Loss::mse:
        r.spec.sizes.push_back(*gen::inRange<arma::uword>(1, limits.max_width + 1));
        r.spec.activations.push_back(*gen::elementOf(hidden));
        break;
    }
    if (limits.regularization && *gen::arbitrary<bool>())
      r.spec.lambda = static_cast<double>(*gen::inRange(1, 1001)) / 1000.0;
    r.spec.leaky_slope = static_cast<double>(*gen::inRange(1, 51)) / 100.0;
    r.batch = *gen::inRange<arma::uword>(1, limits.max_batch + 1);
    r.seed = *gen::arbitrary<std::uint64_t>();
    r.labels = *gen::element(Labels::hard, Labels::soft);
    return r;
  });
}

/// Every quantity of the case: dW1, db1, ..., dWL, dbL, then dZ1, dA0, ..., dZL, dA<L-1>.
inline std::vector<Quantity> every_quantity(const Case& c) {
  std::vector<Quantity> all = parameter_quantities(c);
  for (int l = 1; l <= c.depth(); ++l) {
    all.push_back(Quantity::dZ(l));
    all.push_back(Quantity::dA(l - 1));
  }
  return all;
}

}  // namespace gradfuzz::checks

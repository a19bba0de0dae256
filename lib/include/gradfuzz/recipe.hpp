#pragma once
// A CaseRecipe is everything needed to recreate a Case exactly: the spec, the batch size, a
// seed for the values and how the values are drawn. Its text form is the replay string.

#include <cstdint>
#include <string>
#include <string_view>

#include "gradfuzz/case.hpp"

namespace gradfuzz {

/// How parameter and input values are drawn.
enum class ValueGrid {
  continuous,  ///< uniform reals: a pre-activation lands on a kink with probability ~0
  grid         ///< multiples of 1/2 in [-1, 1]: exact zeros in Z, so relu kinks are hit on purpose
};

/// How labels are drawn (bce: 0/1 or in [0, 1]; ce: one-hot or probability vectors).
enum class Labels { hard, soft };

struct CaseRecipe {
  NetSpec spec;
  arma::uword batch = 1;      ///< m
  std::uint64_t seed = 0;     ///< seeds every value drawn
  double weight_scale = 1.0;  ///< W ~ scale * U(-1, 1), b ~ scale * U(-1/2, 1/2); large saturates
  ValueGrid values = ValueGrid::continuous;
  Labels labels = Labels::hard;
};

bool operator==(const CaseRecipe& a, const CaseRecipe& b);

/// Draws the case, deterministically for a given recipe on every platform (the generator is
/// std::mt19937_64 and the mapping to reals is our own). The case's `replay` is to_string(recipe).
/// Throws SpecError when the recipe's spec is invalid.
Case make_case(const CaseRecipe& recipe);

/// The replay string, e.g. "v1;sizes=3,4,1;act=tanh,sigmoid;loss=bce;lambda=0;slope=0.01;m=5;
/// seed=42;scale=1;values=continuous;labels=hard". Numbers round-trip exactly, independent of
/// locale.
std::string to_string(const CaseRecipe& recipe);

/// Parses a replay string; throws std::invalid_argument saying which field is wrong and how.
CaseRecipe parse_recipe(std::string_view text);

}  // namespace gradfuzz

#pragma once
// RapidCheck generators of case recipes. Every recipe they yield is valid (make_case accepts
// it); shrinking goes toward fewer layers, narrower layers, smaller batches, simpler
// activations, no L2, unit weight scale and continuous values.

#include <rapidcheck.h>
#include <optional>
#include <vector>

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz {

/// What the campaign options of DESIGN.md say about the networks to draw.
struct GeneratorOptions {
  int min_layers = 1;         ///< depth L is drawn from [min_layers, max_layers]
  int max_layers = 3;         ///< --max-layers
  arma::uword max_width = 6;  ///< --max-width: widths n0..nL in [1, max_width]
  arma::uword max_batch = 8;  ///< --max-batch: m in [1, max_batch]
  arma::uword min_batch = 1;
  /// --hidden: activations drawn for hidden layers (softmax is never hidden).
  std::vector<Activation> hidden{Activation::linear, Activation::sigmoid, Activation::tanh,
                                 Activation::relu, Activation::leaky_relu};
  /// --output: activations drawn for the output layer, each only with a loss it fits.
  std::vector<Activation> output{Activation::sigmoid, Activation::softmax, Activation::linear,
                                 Activation::tanh,    Activation::relu,    Activation::leaky_relu};
  std::vector<Loss> losses{Loss::bce, Loss::ce, Loss::mse};  ///< --loss
  /// --lambda: a fixed L2 strength; unset draws 0 (most often) or one of 0.1, 0.5, 1.5.
  std::optional<double> lambda;
  /// leaky_relu slopes drawn (the first is where shrinking goes).
  std::vector<double> leaky_slopes{0.01, 0.1, 0.3};
  /// Every layer the same width (so transposes type-check and must be caught by value).
  bool square = false;
  /// Labels: unset draws hard and soft ones (Labels in recipe.hpp).
  std::optional<Labels> labels;
  /// Scales of W and b drawn (CaseRecipe::weight_scale); 6 saturates sigmoids often.
  std::vector<double> weight_scales{1, 1, 0.3, 3, 0.05, 6};
  /// Whether grid-valued cases (exact relu kinks) are drawn at all.
  bool grid_values = true;

  /// --layers n0,...,nL: pins the sizes (and the depth).
  std::optional<std::vector<arma::uword>> layers;
  /// --activations a1,...,aL: pins the activations (and the depth).
  std::optional<std::vector<Activation>> activations;
  /// --batch m: pins the batch size.
  std::optional<arma::uword> batch;
};

/// Throws std::invalid_argument (saying which options clash and how to fix them) when no valid
/// network can be drawn: no (output, loss) pair fits, pinned sizes and activations disagree,
/// a pinned spec is invalid, a range is empty.
void validate(const GeneratorOptions& options);

/// `options` narrowed to the networks on which a mutant differs from the reference (the
/// domain's lists intersected with the options', or the domain's where nothing is shared).
GeneratorOptions focused_on(GeneratorOptions options, const MutantDomain& domain);

/// Recipes drawn as `options` say. Call validate(options) first.
rc::Gen<CaseRecipe> case_recipes(const GeneratorOptions& options);

}  // namespace gradfuzz

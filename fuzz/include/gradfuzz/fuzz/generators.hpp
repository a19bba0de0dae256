#pragma once
// RapidCheck generators of case recipes. Every recipe they yield is valid (make_case accepts
// it); shrinking goes toward fewer layers, narrower layers, smaller batches, simpler
// activations, no L2, unit weight scale and continuous values.

#include <rapidcheck.h>
#include <optional>
#include <vector>

#include "gradfuzz/mutants.hpp"
#include "gradfuzz/network_bounds.hpp"
#include "gradfuzz/recipe.hpp"

namespace gradfuzz {

/// What the campaign options of DESIGN.md say about the networks to draw.
struct GeneratorOptions {
  /// Depth L is drawn from [min_layers, max_layers] unless `depth` says otherwise.
  int min_layers = 1;
  int max_layers = 3;  ///< --max-layers
  /// --depth: the range L is drawn from, in place of [min_layers, max_layers]. A source that
  /// declares its depth sets or narrows it (supported_by): code that has exactly 5 layers is
  /// drawn 5-layer networks whatever --max-layers says.
  std::optional<Range> depth;
  /// --max-width: widths n0..nL in [1, max_width] (nL only where `output_units` is unset).
  arma::uword max_width = 6;
  /// --output-units: the range nL is drawn from (at least 2 with ce), in place of
  /// [1, max_width]; a source's declared output_units sets or narrows it as `depth` does.
  std::optional<Range> output_units;
  arma::uword max_batch = 8;  ///< --max-batch: m in [1, max_batch]
  arma::uword min_batch = 1;
  /// --same-hidden-activation: every hidden layer of a network gets one activation, drawn from
  /// `hidden` (scikit-learn's MLP has one `activation` for all of them).
  bool same_hidden_activation = false;
  /// --labels: what bce and ce labels may be, hard (0/1, one-hot) or soft (in [0, 1], columns
  /// of probabilities); shrinking goes toward the front. `--labels hard` leaves out soft labels.
  std::vector<Labels> labels{Labels::hard, Labels::soft};
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

/// The range the depth is drawn from: the pinned depth, `depth`, or [min_layers, max_layers].
Range depth_range(const GeneratorOptions& options);

/// Recipes drawn as `options` say. Call validate(options) first.
rc::Gen<CaseRecipe> case_recipes(const GeneratorOptions& options);

}  // namespace gradfuzz

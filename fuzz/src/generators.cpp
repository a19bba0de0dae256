#include "gradfuzz/fuzz/generators.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace gradfuzz {
namespace {

using OutputLoss = std::pair<Activation, Loss>;

// Shrinking moves toward lower ranks.
int simplicity(Activation a) {
  switch (a) {
    case Activation::linear:
      return 0;
    case Activation::sigmoid:
      return 1;
    case Activation::tanh:
      return 2;
    case Activation::relu:
      return 3;
    case Activation::leaky_relu:
      return 4;
    case Activation::softmax:
      return 5;
  }
  return 6;
}

std::vector<Activation> by_simplicity(std::vector<Activation> list) {
  std::stable_sort(list.begin(), list.end(),
                   [](Activation a, Activation b) { return simplicity(a) < simplicity(b); });
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return list;
}

// The most output units a network may have.
arma::uword max_output_units(const GeneratorOptions& o) {
  if (o.layers) return o.layers->back();
  return o.output_units ? o.output_units->max : o.max_width;
}

// With `units_allowed` off, pairs whose loss the output units cannot hold (ce needs 2) stay in.
std::vector<OutputLoss> output_loss_pairs(const GeneratorOptions& o, bool units_allowed = true) {
  std::vector<OutputLoss> pairs;
  // bce with sigmoid first: the course's network is where shrinking goes.
  for (Loss loss : {Loss::bce, Loss::mse, Loss::ce})
    if (std::find(o.losses.begin(), o.losses.end(), loss) != o.losses.end())
      for (Activation out : by_simplicity(o.output))
        if (loss_fits_output(loss, out) &&
            (loss != Loss::ce || !units_allowed || max_output_units(o) >= 2))
          pairs.emplace_back(out, loss);
  return pairs;
}

// An element of `list`, shrinking toward the front.
template <class T>
rc::Gen<T> shrinking_element(std::vector<T> list) {
  return rc::gen::map(rc::gen::inRange<std::size_t>(0, list.size()),
                      [list](std::size_t i) { return list[i]; });
}

rc::Gen<arma::uword> width(arma::uword lo, arma::uword hi) {
  return rc::gen::inRange<arma::uword>(lo, hi + 1);
}

int pinned_depth(const GeneratorOptions& o) {
  if (o.layers) return static_cast<int>(o.layers->size()) - 1;
  if (o.activations) return static_cast<int>(o.activations->size());
  return 0;
}

void validate(const Range& r, const char* option) {
  if (r.min < 1 || r.max < r.min)
    throw std::invalid_argument(std::string(option) + " " + to_string(r) +
                                ": expected N or MIN,MAX with 1 <= MIN <= MAX");
}

}  // namespace

Range depth_range(const GeneratorOptions& o) {
  if (const int pinned = pinned_depth(o)) {
    const auto L = static_cast<arma::uword>(pinned);
    return {L, L};
  }
  if (o.depth) return *o.depth;
  return {static_cast<arma::uword>(std::max(o.min_layers, 0)),
          static_cast<arma::uword>(std::max(o.max_layers, 0))};
}

void validate(const GeneratorOptions& o) {
  if (o.layers && o.activations && o.layers->size() != o.activations->size() + 1)
    throw std::invalid_argument("--layers gives " + std::to_string(o.layers->size()) +
                                " sizes and --activations " +
                                std::to_string(o.activations->size()) +
                                " activations: L layers need L+1 sizes n0..nL and L activations");
  if (o.layers && o.layers->size() < 2)
    throw std::invalid_argument("--layers needs at least two sizes, n0 (inputs) and n1");
  if (!o.layers && !o.activations && !o.depth && (o.min_layers < 1 || o.max_layers < o.min_layers))
    throw std::invalid_argument("--max-layers must be >= 1");
  if (o.depth) validate(*o.depth, "--depth");
  if (o.output_units) validate(*o.output_units, "--output-units");
  if (o.depth && pinned_depth(o) && !o.depth->contains(static_cast<arma::uword>(pinned_depth(o))))
    throw std::invalid_argument("the pinned network has " + std::to_string(pinned_depth(o)) +
                                " layers, outside the depth " + to_string(*o.depth));
  if (o.output_units && o.layers && !o.output_units->contains(o.layers->back()))
    throw std::invalid_argument("--layers ends in " + std::to_string(o.layers->back()) +
                                " output units, outside the output units " +
                                to_string(*o.output_units));
  if (o.labels.empty()) throw std::invalid_argument("--labels allows no labels");
  if (o.same_hidden_activation && o.activations)
    for (std::size_t l = 1; l + 1 < o.activations->size(); ++l)
      if ((*o.activations)[l] != o.activations->front())
        throw std::invalid_argument(
            "--activations gives hidden layers different activations, but every hidden layer "
            "must use one (--same-hidden-activation, or the source's hello)");
  if (!o.layers && o.max_width < 1) throw std::invalid_argument("--max-width must be >= 1");
  if (!o.batch && (o.max_batch < 1 || o.max_batch < o.min_batch))
    throw std::invalid_argument("--max-batch must be >= 1");
  if (o.batch && *o.batch < 1) throw std::invalid_argument("--batch must be >= 1");
  if (o.lambda && (*o.lambda < 0 || !std::isfinite(*o.lambda)))
    throw std::invalid_argument("--lambda must be finite and >= 0");
  if (o.lambda && *o.lambda > kMaxLambda) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", *o.lambda);
    throw std::invalid_argument(
        "--lambda " + std::string(shown) +
        ": above 1000 a case cannot be judged (the L2 term outweighs the data term of J so far "
        "that a wrong gradient passes); give --lambda from 0 to 1000");
  }
  for (Activation a : o.hidden)
    if (a == Activation::softmax)
      throw std::invalid_argument(
          "--hidden softmax: softmax is only allowed on the output layer (use --output softmax)");
  const int depth = pinned_depth(o);
  if (o.activations) {
    NetSpec probe;
    probe.activations = *o.activations;
    probe.sizes = o.layers ? *o.layers : std::vector<arma::uword>(o.activations->size() + 1, 2);
    const Activation out = o.activations->back();
    bool any = false;
    for (Loss loss : o.losses) any = any || loss_fits_output(loss, out);
    if (!any)
      throw std::invalid_argument("output activation " + std::string(to_string(out)) +
                                  " fits none of the losses given (bce needs sigmoid, ce needs "
                                  "softmax, mse anything but softmax)");
    if (out == Activation::softmax && !o.layers && o.output_units && o.output_units->max < 2)
      throw std::invalid_argument(
          "a softmax output needs at least 2 units, but the output may "
          "have at most " +
          std::to_string(o.output_units->max));
    for (Loss loss : o.losses)
      if (loss_fits_output(loss, out)) {
        probe.loss = loss;
        validate(probe);  // softmax on a hidden layer, a 1-unit softmax, ...
        break;
      }
  } else {
    if (o.hidden.empty() && (depth > 1 || (!depth && depth_range(o).max > 1)))
      throw std::invalid_argument("--hidden is empty but networks have hidden layers");
    if (output_loss_pairs(o).empty() && !output_loss_pairs(o, false).empty())
      throw std::invalid_argument(
          "the only loss left is ce, which needs a softmax output of at least 2 units, but the "
          "output may have at most " +
          std::to_string(max_output_units(o)) + " (--output-units, --max-width or --layers)");
    if (output_loss_pairs(o).empty())
      throw std::invalid_argument(
          "no output activation from --output fits a loss from --loss (bce needs sigmoid, ce "
          "needs softmax, mse anything but softmax)");
    if (o.layers && o.layers->back() < 2) {
      bool non_ce = false;
      for (auto [out, loss] : output_loss_pairs(o)) non_ce = non_ce || loss != Loss::ce;
      if (!non_ce)
        throw std::invalid_argument(
            "ce needs a softmax output of at least 2 units; --layers ends in 1");
    }
  }
}

GeneratorOptions focused_on(GeneratorOptions o, const MutantDomain& d) {
  auto narrow = [](std::vector<Activation>& mine, const std::vector<Activation>& theirs) {
    if (theirs.empty()) return;
    std::vector<Activation> both;
    for (Activation a : mine)
      if (std::find(theirs.begin(), theirs.end(), a) != theirs.end()) both.push_back(a);
    mine = both.empty() ? theirs : both;
  };
  narrow(o.hidden, d.hidden);
  narrow(o.output, d.output);
  if (!d.losses.empty()) o.losses = d.losses;
  o.min_layers = std::max(o.min_layers, d.min_layers);
  o.max_layers = std::max(o.max_layers, o.min_layers);
  if (o.depth) {
    o.depth->min = std::max(o.depth->min, static_cast<arma::uword>(d.min_layers));
    o.depth->max = std::max(o.depth->max, o.depth->min);
  }
  o.min_batch = std::max(o.min_batch, d.min_batch);
  o.max_batch = std::max(o.max_batch, o.min_batch);
  if (d.needs_lambda && !(o.lambda && *o.lambda > 0)) o.lambda = 0.5;
  o.square = o.square || d.square;
  if (!d.leaky_slopes.empty()) o.leaky_slopes = d.leaky_slopes;
  if (d.soft_labels) o.labels = {Labels::soft};
  if (d.saturated) {
    o.weight_scales = {60};
    o.grid_values = false;
  }
  if (d.output.empty() && !d.losses.empty()) {
    // Keep only outputs that fit the domain's losses.
    std::vector<Activation> fitting;
    for (Activation a : o.output)
      for (Loss loss : o.losses)
        if (loss_fits_output(loss, a)) {
          fitting.push_back(a);
          break;
        }
    o.output = fitting;
  }
  return o;
}

rc::Gen<CaseRecipe> case_recipes(const GeneratorOptions& o) {
  const Range depths = depth_range(o);
  const auto depth = pinned_depth(o) ? rc::gen::just(pinned_depth(o))
                                     : rc::gen::inRange(static_cast<int>(depths.min),
                                                        static_cast<int>(depths.max) + 1);
  std::vector<OutputLoss> pairs = output_loss_pairs(o);
  if (o.activations) {
    pairs.clear();
    for (Loss loss : {Loss::bce, Loss::mse, Loss::ce})
      if (std::find(o.losses.begin(), o.losses.end(), loss) != o.losses.end() &&
          loss_fits_output(loss, o.activations->back()))
        pairs.emplace_back(o.activations->back(), loss);
  }
  if (o.layers ? o.layers->back() < 2 : o.output_units && o.output_units->max < 2)
    std::erase_if(pairs, [](const OutputLoss& p) { return p.second == Loss::ce; });
  const std::vector<Activation> hidden = by_simplicity(o.hidden);
  std::vector<Labels> label_kinds = o.labels;  // hard first: where shrinking goes
  std::stable_sort(label_kinds.begin(), label_kinds.end(),
                   [](Labels a, Labels b) { return a == Labels::hard && b != Labels::hard; });
  label_kinds.erase(std::unique(label_kinds.begin(), label_kinds.end()), label_kinds.end());

  return rc::gen::mapcat(
      rc::gen::tuple(depth, shrinking_element(pairs)),
      [o, hidden, label_kinds](std::tuple<int, OutputLoss> t) {
        const auto [L, pair] = t;
        const auto [out, loss] = pair;
        // The output's width: from output_units (ce: at least 2), else up to max_width.
        const arma::uword out_min = std::max<arma::uword>(loss == Loss::ce ? 2 : 1,
                                                          o.output_units ? o.output_units->min : 1);
        const arma::uword top =
            o.output_units ? o.output_units->max : std::max(o.max_width, out_min);
        // Sizes: pinned, all equal, or drawn one by one (often different, sometimes equal).
        rc::Gen<std::vector<arma::uword>> sizes =
            o.layers   ? rc::gen::just(*o.layers)
            : o.square ? rc::gen::map(width(out_min, top),
                                      [L = L](arma::uword n) {
                                        return std::vector<arma::uword>(
                                            static_cast<std::size_t>(L) + 1, n);
                                      })
                       : rc::gen::apply(
                             [](std::vector<arma::uword> front, arma::uword last) {
                               front.push_back(last);
                               return front;
                             },
                             rc::gen::container<std::vector<arma::uword>>(
                                 static_cast<std::size_t>(L), width(1, o.max_width)),
                             width(out_min, top));
        rc::Gen<std::vector<Activation>> activations =
            o.activations ? rc::gen::just(*o.activations)
            : o.same_hidden_activation && L == 1  // no hidden layer to draw for
                ? rc::gen::just(std::vector<Activation>{out})
                : o.same_hidden_activation
                      ? rc::gen::map(shrinking_element(hidden),
                                     [L = L, out = out](Activation g) {
                                       std::vector<Activation> list(static_cast<std::size_t>(L - 1),
                                                                    g);
                                       list.push_back(out);
                                       return list;
                                     })
                      : rc::gen::map(
                            rc::gen::container<std::vector<Activation>>(
                                static_cast<std::size_t>(L - 1), shrinking_element(hidden)),
                            [out = out](std::vector<Activation> list) {
                              list.push_back(out);
                              return list;
                            });
        const auto batch = o.batch ? rc::gen::just(*o.batch)
                                   : rc::gen::inRange<arma::uword>(o.min_batch, o.max_batch + 1);
        const auto lambda = o.lambda ? rc::gen::just(*o.lambda)
                                     : shrinking_element<double>({0, 0, 0, 0.1, 0.5, 1.5});
        const auto scale = shrinking_element<double>(o.weight_scales);
        const auto values =
            o.grid_values
                ? shrinking_element<ValueGrid>({ValueGrid::continuous, ValueGrid::continuous,
                                                ValueGrid::continuous, ValueGrid::grid})
                : rc::gen::just(ValueGrid::continuous);
        return rc::gen::apply(
            [loss = loss](std::vector<arma::uword> n, std::vector<Activation> g, arma::uword m,
                          double l2, double slope, double s, ValueGrid v, Labels labels,
                          std::uint64_t seed) {
              CaseRecipe r;
              r.spec.sizes = std::move(n);
              r.spec.activations = std::move(g);
              r.spec.loss = loss;
              r.spec.lambda = l2;
              r.spec.leaky_slope = slope;
              r.batch = m;
              r.seed = seed;
              // Grid values are exact only at unit scale.
              r.weight_scale = v == ValueGrid::grid ? 1.0 : s;
              r.values = v;
              r.labels = labels;
              return r;
            },
            sizes, activations, batch, lambda, shrinking_element(o.leaky_slopes), scale, values,
            shrinking_element(label_kinds), rc::gen::noShrink(rc::gen::arbitrary<std::uint64_t>()));
      });
}

}  // namespace gradfuzz

#include "gradfuzz/numeric.hpp"

#include <cmath>
#include <stdexcept>

#include "gradfuzz/forward.hpp"
#include "gradfuzz/perturbation.hpp"
#include "shifted_costs.hpp"

namespace gradfuzz {

NumericQuantity NumericQuantity::scaled(double factor) const {
  return {value * factor, error_bound * std::abs(factor), at_kink, left * factor, right * factor,
          screened};
}

bool has_quantity(const Case& c, Quantity q) {
  const int L = c.depth();
  if (q.kind == Quantity::Kind::dA) return q.layer >= 0 && q.layer < L;
  return q.layer >= 1 && q.layer <= L;
}

Shape expected_shape(const Case& c, Quantity q) {
  if (!has_quantity(c, q))
    throw std::out_of_range(q.name() + " does not exist in a network of " +
                            std::to_string(c.depth()) + " layer(s)");
  const auto l = q.layer;
  switch (q.kind) {
    case Quantity::Kind::dW:
      return {c.spec.n(l), c.spec.n(l - 1)};
    case Quantity::Kind::db:
      return {c.spec.n(l), 1};
    case Quantity::Kind::dZ:
    case Quantity::Kind::dA:
      return {c.spec.n(l), c.m()};
  }
  throw std::logic_error("expected_shape: unhandled quantity");
}

std::vector<Quantity> parameter_quantities(const Case& c) {
  std::vector<Quantity> out;
  for (int l = 1; l <= c.depth(); ++l) {
    out.push_back(Quantity::dW(l));
    out.push_back(Quantity::db(l));
  }
  return out;
}

namespace {

NumericQuantity empty_quantity(const Case& c, Quantity q) {
  const Shape shape = expected_shape(c, q);
  const arma::SizeMat size(shape.rows, shape.cols);
  return {arma::mat(size), arma::mat(size), arma::umat(size, arma::fill::zeros),
          arma::mat(size, arma::fill::zeros), arma::mat(size, arma::fill::zeros)};
}

void record(NumericQuantity& n, arma::uword i, arma::uword j, const Estimate& e) {
  n.value(i, j) = e.derivative;
  n.error_bound(i, j) = e.error_bound;
  n.screened = n.screened || e.screened;
  if (e.at_kink) {
    n.at_kink(i, j) = e.kinks_crossed;
    n.left(i, j) = e.left;
    n.right(i, j) = e.right;
  }
}

}  // namespace

NumericGradients numeric_gradients(const Case& c, const DifferenceScheme& scheme,
                                   const std::vector<Quantity>& which, Thoroughness thoroughness) {
  const bool screening = thoroughness == Thoroughness::screening;
  const std::vector<double> shifts = screening ? scheme.screening_shifts() : scheme.shifts();
  if (shifts.empty()) return detail::numeric_gradients_entrywise(c, scheme, which);
  // The scheme asks the probe for J at shifts the batched engine has already evaluated.
  const ForwardPass base = forward(c);
  CostProbe probe(c, base);
  NumericGradients out;
  std::vector<double> step, cost, delta(shifts.size()), kept_cost(shifts.size());
  std::vector<std::size_t> crossed, kept_crossed(shifts.size());
  for (Quantity q : which) {
    NumericQuantity n = empty_quantity(c, q);
    const arma::uword rows = n.value.n_rows, entries = n.value.n_elem;
    step.resize(entries);
    for (arma::uword e = 0; e < entries; ++e) {
      probe.select(q, e % rows, e / rows);
      step[e] = scheme.step(probe.entry());
    }
    cost.resize(entries * shifts.size());
    crossed.resize(cost.size());
    detail::shifted_costs(c, base, {q, shifts, step}, cost, crossed);
    for (arma::uword e = 0; e < entries; ++e) {
      // The pairs the engine left to the probe are simply not in its table.
      std::size_t kept = 0;
      for (std::size_t s = 0, at = e * shifts.size(); s < shifts.size(); ++s, ++at) {
        if (crossed[at] == detail::kEvaluateDirectly) continue;
        delta[kept] = shifts[s] * step[e];
        kept_cost[kept] = cost[at];
        kept_crossed[kept++] = crossed[at];
      }
      probe.select(q, e % rows, e / rows);
      probe.precomputed({std::span(delta).first(kept), std::span(kept_cost).first(kept),
                         std::span(kept_crossed).first(kept)});
      record(n, e % rows, e / rows, screening ? scheme.screen(probe) : scheme.estimate(probe));
    }
    out.emplace(q, std::move(n));
  }
  return out;
}

NumericGradients numeric_gradients(const Case& c, const DifferenceScheme& scheme,
                                   const std::vector<Quantity>& which, CostEvaluator& evaluator,
                                   Thoroughness thoroughness) {
  NumericGradients out;
  for (Quantity q : which) {
    NumericQuantity n = empty_quantity(c, q);
    for (arma::uword j = 0; j < n.value.n_cols; ++j)
      for (arma::uword i = 0; i < n.value.n_rows; ++i) {
        evaluator.select(q, i, j);
        record(n, i, j,
               thoroughness == Thoroughness::screening ? scheme.screen(evaluator)
                                                       : scheme.estimate(evaluator));
      }
    out.emplace(q, std::move(n));
  }
  return out;
}

namespace detail {

NumericGradients numeric_gradients_entrywise(const Case& c, const DifferenceScheme& scheme,
                                             const std::vector<Quantity>& which) {
  const ForwardPass base = forward(c);
  CostProbe probe(c, base);
  return numeric_gradients(c, scheme, which, probe);
}

}  // namespace detail
}  // namespace gradfuzz

#include "gradfuzz/source_cost_probe.hpp"

#include <stdexcept>

#include "gradfuzz/rounding.hpp"

namespace gradfuzz {

SourceCostProbe::SourceCostProbe(const Case& c, const ForwardPass& base, GradientSource& source)
    : source_(source), reference_(c, base), shifted_(c) {
  const SourceInfo info = source.info();
  if (!info.cost)
    throw std::invalid_argument(info.name +
                                " does not compute its cost, so finite differences cannot be "
                                "taken of it (an adapter's hello must say \"cost\": true)");
  base_cost_ = source.cost(c);
  rounding_scale_ = cost_rounding_magnitude(c);
  epsilon_ = machine_epsilon(info.precision);
}

void SourceCostProbe::select(Quantity q, arma::uword row, arma::uword col) {
  if (!q.is_parameter())
    throw std::invalid_argument(
        "finite differences of a source's cost exist for parameters "
        "only, not for " +
        q.name() + ": a source is asked about whole cases");
  reference_.select(q, row, col);
  q_ = q;
  row_ = row;
  col_ = col;
}

double SourceCostProbe::cost(double delta, std::size_t* kinks_crossed) const {
  if (kinks_crossed) reference_.cost(delta, kinks_crossed);
  const auto k = static_cast<std::size_t>(q_.layer - 1);
  arma::mat& M = q_.kind == Quantity::Kind::dW ? shifted_.W[k] : shifted_.b[k];
  M(row_, col_) = entry() + delta;
  struct Restore {
    arma::mat& M;
    arma::uword row, col;
    double value;
    ~Restore() { M(row, col) = value; }
  } restore{M, row_, col_, entry()};
  return source_.cost(shifted_);
}

std::complex<double> SourceCostProbe::cost(std::complex<double>) const {
  throw std::logic_error(
      "the complex step needs J at complex points, which only gradfuzz's "
      "own forward pass computes; use a real scheme with a source's cost");
}

}  // namespace gradfuzz

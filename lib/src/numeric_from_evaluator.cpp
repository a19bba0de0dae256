// numeric_gradients with any CostEvaluator: the plain entry-by-entry loop, for evaluators that
// answer one point at a time (a source's cost is one request per point).
#include "gradfuzz/numeric.hpp"

namespace gradfuzz {

NumericGradients numeric_gradients(const Case& c, const DifferenceScheme& scheme,
                                   const std::vector<Quantity>& which, CostEvaluator& evaluator) {
  NumericGradients out;
  for (Quantity q : which) {
    const Shape shape = expected_shape(c, q);
    const arma::SizeMat size(shape.rows, shape.cols);
    NumericQuantity n{arma::mat(size), arma::mat(size), arma::umat(size, arma::fill::zeros),
                      arma::mat(size, arma::fill::zeros), arma::mat(size, arma::fill::zeros)};
    for (arma::uword j = 0; j < shape.cols; ++j)
      for (arma::uword i = 0; i < shape.rows; ++i) {
        evaluator.select(q, i, j);
        const Estimate e = scheme.estimate(evaluator);
        n.value(i, j) = e.derivative;
        n.error_bound(i, j) = e.error_bound;
        if (e.at_kink) {
          n.at_kink(i, j) = e.kinks_crossed;
          n.left(i, j) = e.left;
          n.right(i, j) = e.right;
        }
      }
    out.emplace(q, std::move(n));
  }
  return out;
}

}  // namespace gradfuzz

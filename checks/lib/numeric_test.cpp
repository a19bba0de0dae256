// Perturbation (CostProbe), the finite-difference schemes and numeric_gradients.
#include "gradfuzz/numeric.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <stdexcept>

#include "case_gen.hpp"
#include "gradfuzz/compare.hpp"
#include "gradfuzz/difference_scheme.hpp"
#include "gradfuzz/perturbation.hpp"
#include "gradfuzz/recipe.hpp"
#include "gradfuzz/reference_backprop.hpp"
#include "gradfuzz/rounding.hpp"

namespace gradfuzz {
namespace {

using checks::every_quantity;

using A = Activation;
constexpr double kEps = std::numeric_limits<double>::epsilon();

// 1-1-1 relu, linear, mse with m = 2: X = [0 1] puts Z1 = W1 X + b1 = [0 1] exactly on the
// kink in example 0.  J(t) with b1 shifted by t is piecewise quadratic:
//   t > 0: ((2t - 1)^2 + (2 + 2t)^2) / 4, so J'(0+) = 1;   t < 0: (1 + (2 + 2t)^2) / 4, J'(0-) = 2.
Case kink_case(double x0 = 0.0, Activation hidden = A::relu) {
  Case c;
  c.spec.sizes = {1, 1, 1};
  c.spec.activations = {hidden, A::linear};
  c.spec.loss = Loss::mse;
  c.W = {arma::mat(1, 1, arma::fill::value(1.0)), arma::mat(1, 1, arma::fill::value(2.0))};
  c.b = {arma::mat(1, 1, arma::fill::value(0.0)), arma::mat(1, 1, arma::fill::value(0.0))};
  c.X = arma::mat{{x0, 1.0}};
  c.Y = arma::mat{{1.0, 0.0}};
  return c;
}

CaseRecipe smooth_recipe() {
  CaseRecipe r;
  r.spec.sizes = {3, 4, 3, 2};
  r.spec.activations = {A::tanh, A::sigmoid, A::softmax};
  r.spec.loss = Loss::ce;
  r.spec.lambda = 0.2;
  r.batch = 4;
  r.seed = 2024;
  r.labels = Labels::soft;
  return r;
}

rc::Gen<CaseRecipe> smooth_recipes() {
  return checks::arbitrary_recipe({.kinks = false});
}

// ---------------------------------------------------------------------------------------------
// CostProbe

RC_GTEST_PROP(CostProbe, ShiftedCostIsTheCostOfTheChangedCase, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const ForwardPass f = forward(c);
  const std::vector<Quantity> all = every_quantity(c);
  const Quantity q = *rc::gen::elementOf(all);
  const Shape shape = expected_shape(c, q);
  const auto i = *rc::gen::inRange<arma::uword>(0, shape.rows);
  const auto j = *rc::gen::inRange<arma::uword>(0, shape.cols);
  const double delta = static_cast<double>(*rc::gen::inRange(-500, 501)) / 1000;

  CostProbe probe(c, f);
  probe.select(q, i, j);
  double expected = 0, entry = 0;
  Case changed = c;
  const auto l = static_cast<std::size_t>(q.layer);
  switch (q.kind) {
    case Quantity::Kind::dW:
      entry = c.W_of(q.layer)(i, j);
      changed.W[l - 1](i, j) += delta;
      expected = forward(changed).cost;
      break;
    case Quantity::Kind::db:
      entry = c.b_of(q.layer)(i, j);
      changed.b[l - 1](i, j) += delta;
      expected = forward(changed).cost;
      break;
    case Quantity::Kind::dZ: {
      entry = f.Z[l](i, j);
      arma::mat Z = f.Z[l];
      Z(i, j) += delta;
      expected = cost_from_Z<double>(c, q.layer, Z, f.l2);
      break;
    }
    case Quantity::Kind::dA: {
      entry = f.A[l](i, j);
      if (q.layer == 0) {
        changed.X(i, j) += delta;
        expected = forward(changed).cost;
      } else {
        arma::mat Al = f.A[l];
        Al(i, j) += delta;
        arma::mat Z = c.W_of(q.layer + 1) * Al + arma::repmat(c.b_of(q.layer + 1), 1, c.m());
        expected = cost_from_Z<double>(c, q.layer + 1, Z, f.l2);
      }
      break;
    }
  }
  RC_ASSERT(probe.entry() == entry);
  RC_ASSERT(probe.base_cost() == f.cost);
  const double tol = 1e-13 * std::max(1.0, std::abs(expected));
  RC_ASSERT(std::abs(probe.cost(delta) - expected) <= tol);
  RC_ASSERT(std::abs(probe.cost(0.0) - f.cost) <= tol);
  RC_ASSERT(std::abs(probe.cost(std::complex<double>(delta, 0)).real() - expected) <= tol);
}

TEST(CostProbe, SelectRejectsEntriesTheCaseLacks) {
  const Case c = kink_case();
  const ForwardPass f = forward(c);
  CostProbe probe(c, f);
  EXPECT_THROW(probe.select(Quantity::dW(3), 0, 0), std::out_of_range);
  EXPECT_THROW(probe.select(Quantity::dW(1), 1, 0), std::out_of_range);
  EXPECT_THROW(probe.select(Quantity::db(1), 0, 1), std::out_of_range);
  EXPECT_THROW(probe.select(Quantity::dZ(0), 0, 0), std::out_of_range);
  EXPECT_THROW(probe.select(Quantity::dZ(2), 0, 2), std::out_of_range);
  EXPECT_THROW(probe.select(Quantity::dA(2), 0, 0), std::out_of_range);  // dA<L>
  EXPECT_NO_THROW(probe.select(Quantity::dA(0), 0, 1));
  EXPECT_EQ(probe.entry(), 1.0);
}

TEST(CostProbe, KnowsWhenTheBasePassSitsOnAKink) {
  {
    const Case c = kink_case();
    const ForwardPass f = forward(c);
    const CostProbe probe(c, f);
    EXPECT_TRUE(probe.has_kinks());
    EXPECT_TRUE(probe.on_kink());
  }
  {
    const Case c = kink_case(0.5);  // Z1 = [0.5 1]: relu, but off the kink
    const ForwardPass f = forward(c);
    const CostProbe probe(c, f);
    EXPECT_TRUE(probe.has_kinks());
    EXPECT_FALSE(probe.on_kink());
  }
  {
    const Case c = kink_case(0.0, A::sigmoid);  // Z1 = 0 is no kink for a sigmoid
    const ForwardPass f = forward(c);
    const CostProbe probe(c, f);
    EXPECT_FALSE(probe.has_kinks());
    EXPECT_FALSE(probe.on_kink());
  }
}

TEST(CostProbe, ReportsAShiftThatMovesAReluInputAcrossZero) {
  const Case c = kink_case(0.5);  // Z1 = W1 X = [0.5 1]
  const ForwardPass f = forward(c);
  CostProbe probe(c, f);
  std::size_t crossed = 99;
  probe.select(Quantity::dW(1), 0, 0);  // Z1 = (1 + t) [0.5 1]
  probe.cost(0.5, &crossed);
  EXPECT_EQ(crossed, 0u);
  probe.cost(-1.5, &crossed);
  EXPECT_EQ(crossed, 2u);               // both examples' Z1 go negative
  probe.select(Quantity::dZ(1), 0, 0);  // Z1(0,0) = 0.5 + t
  probe.cost(-0.4, &crossed);
  EXPECT_EQ(crossed, 0u);
  probe.cost(-0.5, &crossed);  // lands exactly on the kink
  EXPECT_EQ(crossed, 1u);
  probe.select(Quantity::dA(0), 0, 1);  // Z1(0,1) = 1 + t
  probe.cost(-2.0, &crossed);
  EXPECT_EQ(crossed, 1u);
  probe.select(Quantity::db(2), 0, 0);  // after the relu layer: never crosses it
  probe.cost(-100.0, &crossed);
  EXPECT_EQ(crossed, 0u);
}

TEST(CostProbe, ComplexShiftGivesTheDerivative) {
  const Case c = kink_case(0.5);
  const ForwardPass f = forward(c);
  CostProbe probe(c, f);
  probe.select(Quantity::dW(2), 0, 0);
  // J = ((2 a0 - 1)^2 + (2 a1)^2) / 4 with A1 = [0.5 1]: dJ/dW2 = ((2a0 - 1) a0 + 2 a1 a1) / 2 = 1
  const std::complex<double> J = probe.cost(std::complex<double>(0, 1e-20));
  EXPECT_NEAR(J.imag() / 1e-20, 1.0, 1e-15);
  EXPECT_NEAR(J.real(), f.cost, 1e-15);
}

// ---------------------------------------------------------------------------------------------
// Schemes

TEST(DifferenceScheme, NamesAreTheCommandLineSpellings) {
  const std::pair<Scheme, const char*> names[] = {{Scheme::forward, "forward"},
                                                  {Scheme::central, "central"},
                                                  {Scheme::five_point, "five-point"},
                                                  {Scheme::complex_step, "complex-step"}};
  for (const auto& [scheme, name] : names) {
    EXPECT_EQ(to_string(scheme), name);
    EXPECT_EQ(find_scheme(name), scheme);
  }
  for (const char* bad : {"five_point", "complex", "Central", "", "richardson"})
    EXPECT_FALSE(find_scheme(bad).has_value()) << bad;
}

TEST(DifferenceScheme, DefaultStepsBalanceTruncationAndRounding) {
  EXPECT_EQ(make_scheme(Scheme::forward)->kind(), Scheme::forward);
  EXPECT_DOUBLE_EQ(make_scheme(Scheme::forward)->relative_step(), std::sqrt(kEps));
  EXPECT_EQ(make_scheme(Scheme::central)->kind(), Scheme::central);
  EXPECT_DOUBLE_EQ(make_scheme(Scheme::central)->relative_step(), std::cbrt(kEps));
  EXPECT_EQ(make_scheme(Scheme::five_point)->kind(), Scheme::five_point);
  EXPECT_DOUBLE_EQ(make_scheme(Scheme::five_point)->relative_step(), std::pow(kEps, 0.2));
  EXPECT_EQ(make_scheme(Scheme::complex_step)->kind(), Scheme::complex_step);
  EXPECT_DOUBLE_EQ(make_scheme(Scheme::complex_step)->relative_step(), 1e-20);
  EXPECT_DOUBLE_EQ(make_scheme(Scheme::central, 1e-3)->relative_step(), 1e-3);
}

TEST(DifferenceScheme, RejectsStepsThatAreNotPositiveAndFinite) {
  for (double step :
       {-1e-6, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()})
    EXPECT_THROW(make_scheme(Scheme::central, step), std::invalid_argument) << step;
}

RC_GTEST_PROP(DifferenceScheme, ErrorBoundsHoldOnSmoothNetworks, ()) {
  // compare() trusts each estimate to within safety (4) times its error bound. At the default
  // step rounding dominates the bound; at a coarse step truncation does, and the Richardson
  // estimate of it must hold too.
  const Case c = make_case(*smooth_recipes());
  const Scheme s = *rc::gen::element(Scheme::forward, Scheme::central, Scheme::five_point);
  const double coarse = s == Scheme::forward ? 1e-4 : s == Scheme::central ? 1e-3 : 1e-2;
  const double step = *rc::gen::element(0.0, coarse);
  const std::vector<Quantity> all = every_quantity(c);
  const NumericGradients truth = numeric_gradients(c, *make_scheme(Scheme::complex_step), all);
  const NumericGradients estimate = numeric_gradients(c, *make_scheme(s, step), all);
  const double safety = Tolerance{}.safety;
  for (Quantity q : all) {
    const NumericQuantity& e = estimate.at(q);
    RC_ASSERT(arma::all(arma::vectorise(e.at_kink) == 0u));
    for (arma::uword k = 0; k < e.value.n_elem; ++k)
      RC_ASSERT(std::abs(e.value[k] - truth.at(q).value[k]) <= safety * e.error_bound[k]);
  }
}

RC_GTEST_PROP(DifferenceScheme, FivePointIsMoreAccurateThanCentral, ()) {
  const Case c = make_case(*smooth_recipes());
  const std::vector<Quantity> all = every_quantity(c);
  const NumericGradients truth = numeric_gradients(c, *make_scheme(Scheme::complex_step), all);
  const NumericGradients central = numeric_gradients(c, *make_scheme(Scheme::central), all);
  const NumericGradients five = numeric_gradients(c, *make_scheme(Scheme::five_point), all);
  double central_error = 0, five_error = 0;
  for (Quantity q : all) {
    central_error += arma::accu(arma::abs(central.at(q).value - truth.at(q).value));
    five_error += arma::accu(arma::abs(five.at(q).value - truth.at(q).value));
  }
  RC_ASSERT(five_error < central_error);
}

TEST(DifferenceScheme, AccuracyFollowsTheOrderOfEachScheme) {
  // On one smooth network: forward errs ~ sqrt(eps), central ~ eps^(2/3), five-point ~ eps^(4/5).
  const Case c = make_case(smooth_recipe());
  const std::vector<Quantity> all = every_quantity(c);
  const NumericGradients truth = numeric_gradients(c, *make_scheme(Scheme::complex_step), all);
  auto worst = [&](Scheme s) {
    const NumericGradients n = numeric_gradients(c, *make_scheme(s), all);
    double w = 0;
    for (Quantity q : all) w = std::max(w, arma::abs(n.at(q).value - truth.at(q).value).max());
    return w;
  };
  const double forward = worst(Scheme::forward), central = worst(Scheme::central),
               five = worst(Scheme::five_point);
  EXPECT_LT(forward, 1e-6);
  EXPECT_LT(central, 1e-9);
  EXPECT_LT(five, 1e-11);
  EXPECT_LT(central, forward / 10);
  EXPECT_LT(five, central / 10);
}

// ---------------------------------------------------------------------------------------------
// numeric_gradients

TEST(Numeric, ShapesAndQuantitiesOfANetwork) {
  const Case c = make_case(smooth_recipe());  // 3-4-3-2, m = 4
  EXPECT_TRUE((expected_shape(c, Quantity::dW(1)) == Shape{4, 3}));
  EXPECT_TRUE((expected_shape(c, Quantity::db(2)) == Shape{3, 1}));
  EXPECT_TRUE((expected_shape(c, Quantity::dZ(3)) == Shape{2, 4}));
  EXPECT_TRUE((expected_shape(c, Quantity::dA(0)) == Shape{3, 4}));
  EXPECT_TRUE((expected_shape(c, Quantity::dA(2)) == Shape{3, 4}));
  EXPECT_THROW(expected_shape(c, Quantity::dW(4)), std::out_of_range);
  EXPECT_THROW(expected_shape(c, Quantity::dA(3)), std::out_of_range);
  EXPECT_THROW(expected_shape(c, Quantity::dZ(0)), std::out_of_range);
  EXPECT_TRUE(has_quantity(c, Quantity::dA(0)));
  EXPECT_FALSE(has_quantity(c, Quantity::dA(3)));
  EXPECT_FALSE(has_quantity(c, Quantity::db(0)));
  EXPECT_TRUE(has_quantity(c, Quantity::dZ(3)));
  EXPECT_FALSE(has_quantity(c, Quantity::dZ(4)));
  const std::vector<Quantity> params = parameter_quantities(c);
  EXPECT_EQ(params, (std::vector<Quantity>{Quantity::dW(1), Quantity::db(1), Quantity::dW(2),
                                           Quantity::db(2), Quantity::dW(3), Quantity::db(3)}));
}

RC_GTEST_PROP(Numeric, IntermediatesTimesMAreThePerExampleGradients, ()) {
  // numeric_gradients gives dJ/dZ<l> (mean); the course's dZ<l> is per example: m dJ/dZ<l>.
  const Case c = make_case(*checks::arbitrary_recipe());
  std::vector<Quantity> intermediates;
  for (int l = 1; l <= c.depth(); ++l) {
    intermediates.push_back(Quantity::dZ(l));
    intermediates.push_back(Quantity::dA(l - 1));
  }
  const NumericGradients n =
      numeric_gradients(c, *make_scheme(Scheme::complex_step), intermediates);
  ReferenceBackprop reference;
  const Gradients claimed = reference.gradients(c);
  const auto m = static_cast<double>(c.m());
  for (Quantity q : intermediates) {
    const arma::mat per_example = m * n.at(q).value;
    const arma::mat& g = claimed.at(q);
    RC_ASSERT(shape_of(per_example) == shape_of(g));
    RC_ASSERT(arma::norm(per_example - g, "fro") <= 1e-12 * std::max(arma::norm(g, "fro"), 1e-300));
  }
}

RC_GTEST_PROP(Numeric, ParametersAreTheMeanGradients, ()) {
  const Case c = make_case(*checks::arbitrary_recipe());
  const NumericGradients n =
      numeric_gradients(c, *make_scheme(Scheme::complex_step), parameter_quantities(c));
  ReferenceBackprop reference;
  const Gradients claimed = reference.gradients(c);
  RC_ASSERT(n.size() == parameter_quantities(c).size());
  for (const auto& [q, value] : n)
    RC_ASSERT(arma::norm(value.value - claimed.at(q), "fro") <=
              1e-12 * std::max(arma::norm(claimed.at(q), "fro"), 1e-300));
}

TEST(Numeric, KinkEntriesCarryBothOneSidedDerivatives) {
  const Case c = kink_case();
  const std::vector<Quantity> all = every_quantity(c);
  for (Scheme s : {Scheme::forward, Scheme::central, Scheme::five_point, Scheme::complex_step}) {
    SCOPED_TRACE(std::string(to_string(s)));
    const NumericGradients n = numeric_gradients(c, *make_scheme(s), all);
    // b1 moves Z1(0,0) off 0: J'(0-) = 2, J'(0+) = 1 (see kink_case).
    const NumericQuantity& db1 = n.at(Quantity::db(1));
    ASSERT_EQ(db1.at_kink(0, 0), 1u);
    EXPECT_NEAR(db1.left(0, 0), 2.0, 1e-7);
    EXPECT_NEAR(db1.right(0, 0), 1.0, 1e-7);
    // W1 multiplies X(0,0) = 0: it never moves Z1(0,0), and Z1(0,1) = 1 is far from 0.
    const NumericQuantity& dW1 = n.at(Quantity::dW(1));
    EXPECT_EQ(dW1.at_kink(0, 0), 0u);
    EXPECT_EQ(dW1.left(0, 0), 0.0);
    EXPECT_EQ(dW1.right(0, 0), 0.0);
    EXPECT_NEAR(dW1.value(0, 0), 2.0, 1e-7);
    // Z1(0,0) itself: J'(0-) = 0 (inactive), J'(0+) = W2 (A2 - Y) / m = 2 (0 - 1) / 2 = -1.
    const NumericQuantity& dZ1 = n.at(Quantity::dZ(1));
    ASSERT_EQ(dZ1.at_kink(0, 0), 1u);
    EXPECT_EQ(dZ1.at_kink(0, 1), 0u);
    EXPECT_NEAR(dZ1.left(0, 0), 0.0, 1e-7);
    EXPECT_NEAR(dZ1.right(0, 0), -1.0, 1e-7);
    // Nothing after the relu layer is at a kink.
    EXPECT_EQ(arma::accu(n.at(Quantity::dW(2)).at_kink), 0u);
    EXPECT_EQ(arma::accu(n.at(Quantity::dZ(2)).at_kink), 0u);
  }
}

TEST(Numeric, SmoothNetworksHaveNoKinkEntries) {
  const Case c = make_case(smooth_recipe());
  for (Scheme s : {Scheme::forward, Scheme::central, Scheme::five_point, Scheme::complex_step}) {
    const NumericGradients n = numeric_gradients(c, *make_scheme(s), every_quantity(c));
    for (const auto& [q, value] : n) EXPECT_EQ(arma::accu(value.at_kink), 0u) << q.name();
  }
}

TEST(Numeric, ScaledMultipliesValuesBoundsAndOneSidedDerivatives) {
  NumericQuantity n{arma::mat{{1, -2}}, arma::mat{{1e-9, 2e-9}}, arma::umat{{0, 1}},
                    arma::mat{{0, -3}}, arma::mat{{0, -1}}};
  const NumericQuantity s = n.scaled(-4);
  EXPECT_TRUE(arma::approx_equal(s.value, arma::mat{{-4, 8}}, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(s.error_bound, arma::mat{{4e-9, 8e-9}}, "absdiff", 1e-24));
  EXPECT_TRUE(arma::all(arma::vectorise(s.at_kink == n.at_kink)));
  EXPECT_TRUE(arma::approx_equal(s.left, arma::mat{{0, 12}}, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(s.right, arma::mat{{0, 4}}, "absdiff", 0.0));
}

TEST(Numeric, FivePointKinkIntervalHoldsTheDerivativeNextToAKink) {
  // Z1(0,2) = 0.0013 lies between 1.7 and 1.8 five-point steps (h = eps^(1/5) = 7.4e-4) from
  // b1's kink, so only the far half of the stencil crosses it. J is smooth on the near side,
  // and its derivative there (complex step, which never crosses) is the value a correct backprop
  // claims: it must lie in the kink interval within the estimate's own error allowance.
  const Case c = make_case(parse_recipe(
      "v1;sizes=2,1,2;act=relu,softmax;loss=ce;lambda=0.226;slope=0.2;m=3;seed=1781010960;"
      "scale=1;values=continuous;labels=soft"));
  const NumericGradients five =
      numeric_gradients(c, *make_scheme(Scheme::five_point), {Quantity::db(1)});
  const NumericGradients truth =
      numeric_gradients(c, *make_scheme(Scheme::complex_step), {Quantity::db(1)});
  const NumericQuantity& n = five.at(Quantity::db(1));
  ASSERT_EQ(n.at_kink(0, 0), 1u);
  const double lo = std::min(n.left(0, 0), n.right(0, 0));
  const double hi = std::max(n.left(0, 0), n.right(0, 0));
  const Tolerance t;
  const double rounding =
      t.ulps * t.epsilon * rounding_magnitudes(c, Convention::mean).at(Quantity::db(1))(0, 0);
  const double allowance =
      t.safety * n.error_bound(0, 0) + t.rtol * std::max(std::abs(lo), std::abs(hi)) + rounding;
  const double derivative = truth.at(Quantity::db(1)).value(0, 0);
  EXPECT_GE(derivative, lo - allowance) << "left " << n.left(0, 0) << " right " << n.right(0, 0);
  EXPECT_LE(derivative, hi + allowance) << "left " << n.left(0, 0) << " right " << n.right(0, 0);
}

RC_GTEST_PROP(Numeric, ScreeningGivesTheSameDerivativesWithSmallerBounds, ()) {
  // What makes screening safe (check_case): the screen takes the very difference quotient the
  // full estimate reports, and its bound (the allowance grows with it) is not larger. The two
  // passes group their evaluations of J into other blocks (a product of one column is a gemv,
  // of several a gemm), so J may differ in the last bits: the values agree within the rounding
  // bound both charge. Entries whose screen crossed a kink get the full estimate.
  const Case c = make_case(*checks::arbitrary_recipe());
  const std::vector<Quantity> all = every_quantity(c);
  for (Scheme kind : {Scheme::forward, Scheme::central, Scheme::five_point}) {
    const auto scheme = make_scheme(kind);
    const NumericGradients screened = numeric_gradients(c, *scheme, all, Thoroughness::screening);
    const NumericGradients full = numeric_gradients(c, *scheme, all, Thoroughness::full);
    for (Quantity q : all) {
      const NumericQuantity& s = screened.at(q);
      const NumericQuantity& f = full.at(q);
      RC_ASSERT(!f.screened);
      for (arma::uword k = 0; k < f.value.n_elem; ++k) {
        RC_LOG() << to_string(kind) << " " << q.name() << " entry " << k << ": screened "
                 << s.value[k] << " +- " << s.error_bound[k] << ", full " << f.value[k] << " +- "
                 << f.error_bound[k] << "\n";
        const double rounding = s.at_kink[k] ? f.error_bound[k] : s.error_bound[k];
        if (s.at_kink[k]) {  // the screen crossed a kink, so the entry got the full estimate
          RC_ASSERT(s.at_kink[k] == f.at_kink[k]);
          RC_ASSERT(std::abs(s.left[k] - f.left[k]) <= rounding);
          RC_ASSERT(std::abs(s.right[k] - f.right[k]) <= rounding);
        } else if (!f.at_kink[k]) {
          RC_ASSERT(std::abs(s.value[k] - f.value[k]) <= rounding);
          RC_ASSERT(s.error_bound[k] <= f.error_bound[k]);
        }  // else only the full stencil's outer points crossed: the screen is a plain difference
      }
    }
  }
}

TEST(Numeric, ScreeningFallsBackToTheFullStencilAtAKink) {
  const Case c = kink_case();
  const auto scheme = make_scheme(Scheme::central);
  const NumericQuantity s =
      numeric_gradients(c, *scheme, {Quantity::db(1)}, Thoroughness::screening).at(Quantity::db(1));
  const NumericQuantity f = numeric_gradients(c, *scheme, {Quantity::db(1)}).at(Quantity::db(1));
  EXPECT_EQ(s.at_kink(0, 0), 1u);  // J has a kink at b1: the one-sided derivatives need +-2h
  EXPECT_EQ(s.left(0, 0), f.left(0, 0));
  EXPECT_EQ(s.right(0, 0), f.right(0, 0));
  const Case smooth = make_case(smooth_recipe());
  EXPECT_TRUE(numeric_gradients(smooth, *scheme, {Quantity::dW(1)}, Thoroughness::screening)
                  .at(Quantity::dW(1))
                  .screened);
  EXPECT_FALSE(numeric_gradients(smooth, *scheme, {Quantity::dW(1)}).at(Quantity::dW(1)).screened);
}

}  // namespace
}  // namespace gradfuzz

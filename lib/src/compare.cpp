#include "gradfuzz/compare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gradfuzz {
namespace {

struct Judgement {
  bool passed = true;
  arma::uword failing = 0;
  arma::uword kinks = 0;
  arma::uword unverified = 0;
  arma::uword settled = 0;
  EntryError worst;
  double worst_excess = -1;  // |error| / allowance of the worst entry
};

constexpr double kBorderline = 100;      // excess up to which an entry is borderline
constexpr arma::uword kMaxSettled = 16;  // borderline entries put to the judge per quantity

// `to_mean` converts the convention judged to the mean one, for `settle`.
Judgement judge(const arma::mat& g, const NumericQuantity& n, const arma::mat& magnitude,
                const Tolerance& t, const BorderlineJudge& settle = {}, double to_mean = 1) {
  Judgement j;
  arma::uword judged = 0;
  for (arma::uword c = 0; c < g.n_cols; ++c)
    for (arma::uword r = 0; r < g.n_rows; ++r) {
      const double atol = magnitude.is_empty() ? 0.0 : t.ulps * t.epsilon * magnitude(r, c);
      const double claimed = g(r, c), numeric = n.value(r, c);
      const arma::uword kinks = n.at_kink(r, c);
      const bool kink = kinks != 0;
      const double abs_error = std::abs(claimed - numeric);
      const double scale = std::max(std::abs(claimed), std::abs(numeric));
      double excess;
      if (!std::isfinite(claimed) || !std::isfinite(numeric)) {
        excess = std::numeric_limits<double>::infinity();
      } else if (kink) {
        ++j.kinks;
        const double lo = std::min(n.left(r, c), n.right(r, c));
        const double hi = std::max(n.left(r, c), n.right(r, c));
        const double allowed =
            t.safety * n.error_bound(r, c) + t.rtol * std::max(std::abs(lo), std::abs(hi)) + atol;
        const double outside = claimed < lo ? lo - claimed : claimed > hi ? claimed - hi : 0.0;
        // One kink crossed: [lo, hi] holds every valid claim, so outside is wrong code. Several:
        // a claim may mix the units' sides and lie outside; it is counted, not failed.
        excess = 0;
        if (outside > allowed) {
          if (kinks == 1)
            excess = allowed > 0 ? outside / allowed : 1e300;
          else
            ++j.unverified;
        }
      } else {
        const double code_allowance = t.rtol * scale + atol;
        const double allowed = t.safety * n.error_bound(r, c) + code_allowance;
        excess = abs_error == 0 ? 0 : allowed > 0 ? abs_error / allowed : 1e300;
        if (excess > 1 && excess <= kBorderline && settle && judged < kMaxSettled) {
          ++judged;
          if (settle(r, c, claimed * to_mean, code_allowance * to_mean)) {
            excess = 0;
            ++j.settled;
          }
        }
      }
      if (excess > 1) {
        j.passed = false;
        ++j.failing;
      }
      if (excess > j.worst_excess) {
        j.worst_excess = excess;
        j.worst = {r, c, claimed, numeric, abs_error, relative_error(claimed, numeric), kink};
      }
    }
  return j;
}

bool all_finite(const arma::mat& M) {
  return M.is_finite();
}

}  // namespace

Tolerance Tolerance::for_precision(Precision p) {
  if (p == Precision::float32) return {2e-4, 64, machine_epsilon(p), 4};
  return {1e-7, 64, machine_epsilon(p), 4};
}

double relative_error(double g, double n) {
  if (!std::isfinite(g) || !std::isfinite(n)) return std::numeric_limits<double>::quiet_NaN();
  const double scale = std::max(std::abs(g), std::abs(n));
  return scale > 0 ? std::abs(g - n) / scale : 0.0;
}

bool worse_error(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  return !std::isnan(b) && a > b;
}

double relative_difference(const arma::mat& g, const arma::mat& n) {
  const double denominator = arma::norm(g, "fro") + arma::norm(n, "fro");
  if (denominator == 0) return 0;
  return arma::norm(g - n, "fro") / denominator;
}

QuantityCheck compare(Quantity q, const arma::mat& claimed, const NumericQuantity& numeric_mean,
                      const arma::mat& magnitude_mean, arma::uword m, Convention expected,
                      const Tolerance& tolerance, const BorderlineJudge& settle) {
  QuantityCheck check;
  check.quantity = q;
  check.expected = expected;
  check.claimed = claimed;
  check.claimed_shape = shape_of(claimed);
  check.expected_shape = shape_of(numeric_mean.value);
  const double factor_of[2] = {1.0, static_cast<double>(m)};
  auto in = [&](Convention c) { return numeric_mean.scaled(factor_of[static_cast<int>(c)]); };
  const NumericQuantity expected_numeric = in(expected);
  check.numeric = expected_numeric.value;
  check.non_finite = !all_finite(claimed) || !all_finite(numeric_mean.value);
  if (!check.shape_ok()) return check;

  auto magnitude_in = [&](Convention c) -> arma::mat {
    return magnitude_mean.is_empty() ? magnitude_mean
                                     : arma::mat(magnitude_mean * factor_of[static_cast<int>(c)]);
  };
  const Judgement mine = judge(claimed, expected_numeric, magnitude_in(expected), tolerance, settle,
                               1 / factor_of[static_cast<int>(expected)]);
  check.failing_entries = mine.failing;
  check.kink_entries = mine.kinks;
  check.kink_unverified = mine.unverified;
  check.borderline_settled = mine.settled;
  check.worst = mine.worst;
  const Convention other = expected == Convention::mean ? Convention::sum : Convention::mean;
  if (mine.passed) {
    check.matched = expected;
  } else if (judge(claimed, in(other), magnitude_in(other), tolerance).passed) {
    check.matched = other;
  }
  check.passed = check.matched == expected;
  // The course's metric over the entries finite differences can judge: at a kink the
  // central difference is a blend of two one-sided slopes and says nothing about the claim,
  // and where both sides are within the numeric error of 0 (a dead unit's gradient against
  // rounding noise) their ratio is noise too, which the metric would report as 1.
  const Convention metric_convention = check.matched.value_or(expected);
  const NumericQuantity metric_numeric = in(metric_convention);
  arma::mat g = claimed, n = metric_numeric.value;
  arma::mat zero_noise = tolerance.safety * metric_numeric.error_bound;
  if (!magnitude_mean.is_empty())
    zero_noise += tolerance.ulps * tolerance.epsilon * magnitude_in(metric_convention);
  const arma::uvec unjudged = arma::find(
      numeric_mean.at_kink != 0 || (arma::abs(g) <= zero_noise && arma::abs(n) <= zero_noise));
  g.elem(unjudged).zeros();
  n.elem(unjudged).zeros();
  check.rel_diff =
      check.non_finite ? std::numeric_limits<double>::quiet_NaN() : relative_difference(g, n);
  return check;
}

}  // namespace gradfuzz

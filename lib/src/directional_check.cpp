#include "gradfuzz/directional_check.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>

#include "gradfuzz/detail/cost_line.hpp"
#include "gradfuzz/forward.hpp"
#include "gradfuzz/perturbation.hpp"
#include "gradfuzz/rounding.hpp"

namespace gradfuzz {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kKappa = 6;          // standard deviations of allowed error per direction
constexpr double kRoundingUlps = 64;  // as detail::rounding_bound
constexpr int kMaxHalvings = 12;
const double kDensity = std::sqrt(2 / std::numbers::pi);  // 2 * max density of N(0, 1)

int index_of(Convention c) {
  return c == Convention::mean ? 0 : 1;
}
Convention other_than(Convention c) {
  return c == Convention::mean ? Convention::sum : Convention::mean;
}

/// A set of entries of one quantity: column-major indices [begin, end).
struct Block {
  Quantity q;
  arma::uword begin = 0, end = 0;
  arma::uword size() const { return end - begin; }
};
using Selection = std::vector<Block>;

/// One directional derivative by finite differences.
struct Slope {
  double derivative = 0;
  double error_bound = 0;  // truncation + rounding
  std::size_t kinks = 0;   // most kinks one evaluation crossed (0: smooth)
  double left = 0, right = 0;
};

/// The outcome of testing a selection along a few directions.
struct TestOutcome {
  bool passed[2] = {true, true};  // by convention index
  std::size_t counted = 0;
  double tolerance = 0;  // T, mean convention (expected side)
  std::vector<double> claimed[2];
  std::vector<double> numeric;
  std::size_t replaced = 0;         // judged, not counted (kinks, imprecise)
  std::size_t kink_directions = 0;  // of those, crossing relu kinks
  double last_numeric = 0;          // a single entry's dJ/dtheta (mean)
  std::size_t last_kinks = 0;

  bool passes(Convention c) const { return passed[index_of(c)]; }
  std::optional<Convention> matched(Convention expected) const {
    if (passes(expected)) return expected;
    if (passes(other_than(expected))) return other_than(expected);
    return std::nullopt;
  }
  double rel_diff(Convention c) const {
    const auto& g = claimed[index_of(c)];
    if (g.empty()) return 0;
    const arma::vec gv(g), nv(numeric);
    return relative_difference(gv, nv);
  }
};

class Tester {
 public:
  Tester(const Case& c, const Claim& claim, const SourceInfo& info, const Tolerance& tolerance,
         const FastOptions& options, FastSummary& summary)
      : c_(c),
        claimed_(claim.gradients),
        info_(info),
        t_(tolerance),
        options_(options),
        summary_(summary),
        base_(forward(c)),
        magnitude_(rounding_magnitudes(c, Convention::mean, tolerance.ulps * tolerance.epsilon,
                                       smallest_normal(info.precision))),
        rng_(options.seed ^ std::hash<std::string>{}(c.replay) ^
             (static_cast<std::uint64_t>(c.parameter_count()) << 32)) {
    rounding_scale_ = CostProbe(c, base_).rounding_scale();
    const double m = static_cast<double>(c.m());
    for (auto& [q, M] : magnitude_)
      if (!q.is_parameter()) M /= m;  // per example -> mean convention
  }

  Convention expected(Quantity q) const {
    return q.is_parameter() ? info_.convention : Convention::sum;
  }
  double factor(Convention c) const { return c == Convention::mean ? 1.0 : double(c_.m()); }

  /// Tests `s` along up to k counted directions. Stops early once both conventions failed
  /// (stop_early) or k directions counted.
  TestOutcome test(const Selection& s, std::size_t k, bool stop_early) {
    TestOutcome out;
    arma::uword n = 0;
    double theta_squares = 0;
    double alpha_squares[2] = {0, 0};
    double atol = 0;  // a single entry's rounding allowance
    for (const Block& b : s) {
      n += b.size();
      const arma::mat& theta = values_of(b.q);
      const arma::mat& g = claimed_.at(b.q);
      const arma::mat& M = magnitude_.at(b.q);
      for (arma::uword i = b.begin; i < b.end; ++i) {
        theta_squares += theta[i] * theta[i];
        atol = t_.ulps * t_.epsilon * M[i];
        for (Convention cv : {Convention::mean, Convention::sum}) {
          const double a = t_.rtol * std::abs(g[i]) / factor(cv) + atol;
          alpha_squares[index_of(cv)] += a * a;
        }
      }
    }
    const bool single = n == 1;
    const double kappa = single ? 1.0 : kKappa;
    const double scale = std::max(1.0, std::sqrt(theta_squares / static_cast<double>(n)));
    const double step0 = std::pow(kEps, 0.2) * scale;
    const double nominal_norm = single ? 1.0 : std::sqrt(static_cast<double>(n)) + 4;
    const double rounding_nominal = rounding(step0 / nominal_norm);
    const Convention exp = expected(s.front().q);
    const double alpha_exp = std::sqrt(alpha_squares[index_of(exp)]);
    const double cap = kappa * alpha_exp / 2 + 2 * t_.safety * rounding_nominal;
    out.tolerance = 2 * kappa * alpha_exp + 4 * t_.safety * rounding_nominal;

    std::normal_distribution<double> normal;
    std::size_t tried = 0;
    // One direction's storage for all: every direction fills the same entries, the rest stay 0.
    Gradients v;
    for (const Block& b : s)
      if (!v.contains(b.q)) v[b.q].zeros(claimed_.at(b.q).n_rows, claimed_.at(b.q).n_cols);
    while (out.counted < k && tried < options_.max_directions) {
      ++tried;
      double norm_squares = 0;
      for (const Block& b : s) {
        arma::mat& V = v.at(b.q);
        for (arma::uword i = b.begin; i < b.end; ++i) {
          V[i] = single ? 1.0 : normal(rng_);
          norm_squares += V[i] * V[i];
        }
      }
      const detail::CostLine line(c_, base_, v);
      const Slope slope = estimate(line, step0 / std::sqrt(norm_squares));
      out.numeric.push_back(slope.derivative);
      out.last_numeric = slope.derivative;
      out.last_kinks = slope.kinks;
      for (Convention cv : {Convention::mean, Convention::sum}) {
        double claimed = 0;
        for (const Block& b : s) {
          const arma::mat& g = claimed_.at(b.q);
          const arma::mat& V = v.at(b.q);
          double sum = 0;
          for (arma::uword i = b.begin; i < b.end; ++i) sum += g[i] * V[i];
          claimed += sum / factor(cv);
        }
        out.claimed[index_of(cv)].push_back(claimed);
        // A single entry: the full check's own rule (compare.hpp), rtol on the larger side.
        const double tau =
            (single ? t_.rtol * std::max(std::abs(claimed), std::abs(slope.derivative)) + atol
                    : kappa * std::sqrt(alpha_squares[index_of(cv)])) +
            t_.safety * slope.error_bound;
        bool pass;
        if (!std::isfinite(claimed) || !std::isfinite(slope.derivative)) {
          pass = false;
        } else if (slope.kinks) {
          const double lo = std::min(slope.left, slope.right);
          const double hi = std::max(slope.left, slope.right);
          const double outside = claimed < lo ? lo - claimed : claimed > hi ? claimed - hi : 0.0;
          pass = outside <= tau || slope.kinks > 1;  // several kinks: unverified, not failed
        } else {
          pass = std::abs(claimed - slope.derivative) <= tau;
        }
        if (!pass) out.passed[index_of(cv)] = false;
      }
      if (!slope.kinks && t_.safety * slope.error_bound <= cap) {
        ++out.counted;
      } else {
        ++out.replaced;
        if (slope.kinks) ++out.kink_directions;
      }
      if (single) break;  // a single entry has one direction, v = 1
      if (stop_early && !out.passed[0] && !out.passed[1]) break;
    }
    return out;
  }

  const arma::mat& claimed(Quantity q) const { return claimed_.at(q); }

 private:
  const arma::mat& values_of(Quantity q) const {
    switch (q.kind) {
      case Quantity::Kind::dW:
        return c_.W_of(q.layer);
      case Quantity::Kind::db:
        return c_.b_of(q.layer);
      case Quantity::Kind::dZ:
        return base_.Z[static_cast<std::size_t>(q.layer)];
      case Quantity::Kind::dA:
        return base_.A[static_cast<std::size_t>(q.layer)];
    }
    throw std::logic_error("values_of: unhandled quantity");
  }

  double rounding(double h) const { return 1.5 * kRoundingUlps * kEps * rounding_scale_ / h; }

  Slope estimate(const detail::CostLine& line, double h) {
    const double f0 = line.base_cost();
    for (int halvings = 0;; ++halvings) {
      std::size_t crossed[6] = {};
      const double p1 = line.cost(h, &crossed[0]), m1 = line.cost(-h, &crossed[1]);
      const double p2 = line.cost(2 * h, &crossed[2]), m2 = line.cost(-2 * h, &crossed[3]);
      const double p4 = line.cost(4 * h, &crossed[4]), m4 = line.cost(-4 * h, &crossed[5]);
      summary_.cost_evaluations += 6;
      const std::size_t kinks = *std::max_element(crossed, crossed + 6);
      const double e1 = (8 * (p1 - m1) - (p2 - m2)) / (12 * h);
      if (!kinks) {
        const double e2 = (8 * (p2 - m2) - (p4 - m4)) / (24 * h);
        return {e1, std::abs(e1 - e2) / 15 + rounding(h), 0, 0, 0};
      }
      if (halvings == kMaxHalvings) {
        // Still crossing: a kink at (or within rounding of) the base point. One-sided
        // second-order slopes from +-h, +-2h, their truncation bounded by the first-order ones.
        const std::size_t near = std::max({crossed[0], crossed[1], crossed[2], crossed[3]});
        const double left = (3 * f0 - 4 * m1 + m2) / (2 * h);
        const double right = (-3 * f0 + 4 * p1 - p2) / (2 * h);
        const double left1 = (f0 - m1) / h, right1 = (p1 - f0) / h;
        const double bound =
            rounding(h) * 4 / 1.5 + std::max(std::abs(left - left1), std::abs(right - right1));
        return {e1, bound, std::max<std::size_t>(near, 1), left, right};
      }
      ++summary_.step_halvings;
      h /= 2;
    }
  }

  const Case& c_;
  const Gradients& claimed_;
  const SourceInfo& info_;
  const Tolerance& t_;
  const FastOptions& options_;
  FastSummary& summary_;
  ForwardPass base_;
  Gradients magnitude_;
  std::mt19937_64 rng_;
  double rounding_scale_ = 0;
};

Selection whole(const std::vector<Quantity>& qs, const Claim& claim) {
  Selection s;
  for (Quantity q : qs) s.push_back({q, 0, claim.gradients.at(q).n_elem});
  return s;
}

QuantityCheck start_check(const Case& c, Quantity q, const arma::mat& claimed,
                          Convention expected) {
  QuantityCheck check;
  check.quantity = q;
  check.directional = true;
  check.expected = expected;
  check.claimed = claimed;
  check.claimed_shape = shape_of(claimed);
  check.expected_shape = expected_shape(c, q);
  check.numeric.set_size(check.expected_shape.rows, check.expected_shape.cols);
  check.numeric.fill(std::numeric_limits<double>::quiet_NaN());
  check.non_finite = !claimed.is_finite();
  return check;
}

EntryError entry_error(const arma::mat& shape, arma::uword i, double claimed, double numeric,
                       bool kink) {
  const double abs_error = std::abs(claimed - numeric);
  const double scale = std::max(std::abs(claimed), std::abs(numeric));
  return {i % shape.n_rows,
          i / shape.n_rows,
          claimed,
          numeric,
          abs_error,
          scale > 0 ? abs_error / scale : 0.0,
          kink};
}

/// Bisects the entries of a failing quantity down to single entries that fail on their own.
void localize(Tester& tester, QuantityCheck& check, const FastOptions& options,
              FastSummary& summary) {
  const Quantity q = check.quantity;
  const double f = tester.factor(check.expected);
  std::vector<Block> stack{{q, 0, check.claimed.n_elem}};
  bool root = true;
  while (!stack.empty() && check.localized.size() < options.max_localized) {
    const Block b = stack.back();
    stack.pop_back();
    if (b.size() == 0) continue;
    if (!root ||
        b.size() == 1) {  // the whole quantity is known to fail; a single entry says its value
      const TestOutcome t = tester.test({b}, options.localize_directions, true);
      ++summary.localize_tests;
      if (t.passes(check.expected)) continue;
      if (b.size() == 1) {
        const double numeric = t.last_numeric * f;
        check.numeric[b.begin] = numeric;
        check.localized.push_back(
            entry_error(check.claimed, b.begin, check.claimed[b.begin], numeric, t.last_kinks));
        continue;
      }
    }
    root = false;
    const arma::uword mid = b.begin + b.size() / 2;
    stack.push_back({q, mid, b.end});  // the lower half is searched first
    stack.push_back({q, b.begin, mid});
  }
  check.failing_entries = check.localized.size();
  if (!check.localized.empty())
    check.worst = *std::max_element(
        check.localized.begin(), check.localized.end(),
        [](const EntryError& a, const EntryError& b) { return a.abs_error < b.abs_error; });
}

/// Non-finite claims need no numbers to localize.
void localize_non_finite(QuantityCheck& check, const FastOptions& options) {
  for (arma::uword i = 0;
       i < check.claimed.n_elem && check.localized.size() < options.max_localized; ++i)
    if (!std::isfinite(check.claimed[i]))
      check.localized.push_back(entry_error(check.claimed, i, check.claimed[i],
                                            std::numeric_limits<double>::quiet_NaN(), false));
  check.failing_entries = check.localized.size();
  if (!check.localized.empty()) check.worst = check.localized.front();
}

void judge(QuantityCheck& check, const TestOutcome& t) {
  check.matched = t.matched(check.expected);
  check.passed = check.matched == check.expected;
  check.rel_diff = t.rel_diff(check.matched.value_or(check.expected));
}

}  // namespace

std::size_t directions_for(double miss_probability, double tolerance, double detectable) {
  if (!(miss_probability > 0 && miss_probability < 1))
    throw std::invalid_argument("the miss probability must lie strictly between 0 and 1, not " +
                                std::to_string(miss_probability));
  double q = detectable > 0 ? kDensity * tolerance / detectable : 0.1;
  q = std::clamp(q, 1e-300, 0.1);
  const double k = std::ceil(std::log(miss_probability) / std::log(q) - 1e-12);
  return std::max<std::size_t>(2, static_cast<std::size_t>(k));
}

double miss_threshold(double tolerance, double miss_probability, std::size_t k) {
  if (k == 0) return std::numeric_limits<double>::infinity();
  return kDensity * tolerance / std::pow(miss_probability, 1.0 / static_cast<double>(k));
}

void check_directional(const Case& c, const Claim& claim, const SourceInfo& info,
                       const std::vector<Quantity>& wanted, const Tolerance& tolerance,
                       const FastOptions& options, CaseResult& result) {
  FastSummary summary;
  summary.miss_probability = options.miss_probability;
  Tester tester(c, claim, info, tolerance, options, summary);

  // Groups: every testable parameter together, each intermediate alone.
  std::vector<std::vector<Quantity>> groups(1);
  std::map<Quantity, QuantityCheck> checks;
  for (Quantity q : wanted) {
    QuantityCheck check = start_check(c, q, claim.gradients.at(q), tester.expected(q));
    if (!check.shape_ok()) {
      check.non_finite = false;
    } else if (check.non_finite) {
      localize_non_finite(check, options);
    } else if (q.is_parameter()) {
      groups.front().push_back(q);
    } else {
      groups.push_back({q});
    }
    checks.emplace(q, std::move(check));
  }

  bool summarized = false;  // the summary states the first group tested (parameters if any)
  for (const auto& group : groups) {
    if (group.empty()) continue;
    const Convention expected = tester.expected(group.front());
    double g_squares = 0;
    for (Quantity q : group) g_squares += std::pow(arma::norm(claim.gradients.at(q), "fro"), 2);
    const double g_norm = std::sqrt(g_squares) / tester.factor(expected);  // mean convention
    // T depends only on the case and the selection: a zero-direction test reads it.
    const Selection all = whole(group, claim);
    const double T = tester.test(all, 0, true).tolerance;
    const std::size_t k =
        directions_for(options.miss_probability, T, options.relative_error * g_norm);
    const TestOutcome outcome = tester.test(all, k, true);
    for (Quantity q : group) judge(checks.at(q), outcome);
    if (!summarized) {
      summarized = true;
      summary.replaced = outcome.replaced;
      summary.kink_directions = outcome.kink_directions;
      const double f = tester.factor(expected);
      summary.directions = outcome.counted;
      summary.tolerance = outcome.tolerance * f;
      summary.threshold =
          miss_threshold(outcome.tolerance, options.miss_probability, outcome.counted) * f;
      summary.relative_threshold =
          g_norm > 0 ? summary.threshold / (g_norm * f) : std::numeric_limits<double>::infinity();
    }
    if (outcome.passes(expected)) continue;

    // Localize: each quantity alone, then the entries of the failing ones.
    bool any_failed = false;
    for (Quantity q : group) {
      QuantityCheck& check = checks.at(q);
      if (group.size() > 1) {
        const TestOutcome alone = tester.test(whole({q}, claim), k, true);
        ++summary.localize_tests;
        judge(check, alone);
      }
      if (check.passed) continue;
      any_failed = true;
      localize(tester, check, options, summary);
    }
    // The group failed, yet no quantity alone: the error is spread thin over several.
    if (!any_failed)
      for (Quantity q : group) judge(checks.at(q), outcome);
  }
  for (Quantity q : wanted) {
    QuantityCheck& check = checks.at(q);
    if (!q.is_parameter() && info.intermediates_either_convention && !check.passed &&
        check.matched) {  // dJ/dZ rather than dL/dZ: judged as what it is
      check.expected = *check.matched;
      check.passed = true;
      check.localized.clear();
      check.failing_entries = 0;
    }
    result.checks.push_back(std::move(check));
  }
  result.fast = summary;
}

}  // namespace gradfuzz

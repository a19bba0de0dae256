#pragma once
// Finite-difference schemes: one interface, one class per scheme (lib/src/schemes/).
// Each estimates dJ/dx for the entry a CostEvaluator selects, with its own error bound.

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "gradfuzz/convention.hpp"
#include "gradfuzz/cost_evaluator.hpp"

namespace gradfuzz {

enum class Scheme { forward, central, five_point, complex_step };

std::string_view to_string(Scheme s);  ///< "forward", "central", "five-point", "complex-step"
std::optional<Scheme> find_scheme(std::string_view name);

/// One derivative estimate.
struct Estimate {
  double derivative = 0;
  /// Estimated error of `derivative`: truncation (from the same scheme at twice the step,
  /// Richardson) plus rounding (machine epsilon times |J| over the step).
  double error_bound = 0;
  /// Set when the stencil crossed a relu/leaky_relu kink; then J is not differentiable at or
  /// near the entry and [left, right] (second-order one-sided derivatives) is what a claimed
  /// value may lie in.
  bool at_kink = false;
  /// How many relu inputs one evaluation of the stencil moved across 0, at most. With one, J
  /// has a single kink near the entry and [left, right] holds every valid claim; with more, a
  /// claim may combine the units' sides differently and fall outside.
  std::size_t kinks_crossed = 0;
  double left = 0;
  double right = 0;
  /// Set by DifferenceScheme::screen on an estimate whose error bound leaves out truncation.
  bool screened = false;
};

class DifferenceScheme {
 public:
  virtual ~DifferenceScheme() = default;
  virtual Scheme kind() const = 0;
  /// The step for an entry of value x is relative_step() * max(1, |x|).
  virtual double relative_step() const = 0;
  virtual Estimate estimate(const CostEvaluator& probe) const = 0;
  /// The shifts, in steps h = step(x), at which estimate() evaluates J away from x, so that a
  /// batched engine can compute them in advance (CostProbe::precomputed). Empty for a scheme
  /// that needs more than real shifts (the complex step): it runs entry by entry.
  virtual std::vector<double> shifts() const { return {}; }
  /// A first, cheaper pass: the difference quotient estimate() reports, from the shifts it is
  /// computed from alone (central: -1, 1), with an error bound of its rounding only, a lower
  /// bound of estimate()'s. A claim within the tolerance of a screened estimate is within it of the
  /// full one (the allowance only grows with the error bound), so only claims that fail the screen
  /// need estimate(). Where the screening stencil crossed a kink (the one-sided derivatives need
  /// the whole stencil) and for schemes without a cheaper pass it is estimate() itself.
  virtual Estimate screen(const CostEvaluator& probe) const { return estimate(probe); }
  /// The shifts screen() evaluates J at (shifts() when it has no cheaper pass).
  virtual std::vector<double> screening_shifts() const { return shifts(); }
  /// The step for an entry of value x: relative_step() * max(1, |x|).
  double step(double x) const { return step_for(x); }

 protected:
  double step_for(double x) const;
};

/// The scheme by kind; `relative_step` 0 takes the scheme's default (forward eps^(1/2),
/// central eps^(1/3), five-point eps^(1/5), complex step 1e-20: each balances its truncation
/// against rounding), with eps the machine epsilon of `precision`, the arithmetic J is
/// evaluated in (float32 for differences of a float32 adapter's cost).
std::unique_ptr<DifferenceScheme> make_scheme(Scheme s, double relative_step = 0,
                                              Precision precision = Precision::float64);

namespace detail {

/// J at x-2h, x-h, x, x+h, x+2h, and the most kinks one of them crossed.
struct Stencil {
  double h = 0;
  double m2 = 0, m1 = 0, f0 = 0, p1 = 0, p2 = 0;
  std::size_t crossed = 0;
};
Stencil sample(const CostEvaluator& probe, double h);
/// Rounding error of a difference quotient with weights summing (in absolute value) to
/// `weight` over the step h: ~ weight * eps * |J| / h, with a factor for the forward pass
/// (eps is the evaluator's epsilon()).
double rounding_bound(const CostEvaluator& probe, double weight, double h);
/// Marks e as at a kink if the stencil crossed one: second-order one-sided derivatives, and an
/// error bound of their rounding plus their truncation, estimated against the first-order
/// one-sided differences (across a kink Richardson's estimate means nothing).
void mark_kink(Estimate& e, const Stencil& s, const CostEvaluator& probe);

}  // namespace detail
}  // namespace gradfuzz

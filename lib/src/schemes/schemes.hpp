#pragma once
// The concrete finite-difference schemes; make_scheme() is the public way to get one.

#include "gradfuzz/difference_scheme.hpp"

namespace gradfuzz::detail {

/// (J(x+h) - J(x)) / h: first order; truncation estimated against the step 2h.
class ForwardDifference final : public DifferenceScheme {
 public:
  explicit ForwardDifference(double step) : step_(step) {}
  Scheme kind() const override { return Scheme::forward; }
  double relative_step() const override { return step_; }
  Estimate estimate(const CostEvaluator& probe) const override;
  /// The two-sided stencil it adds at a kink (rare) is evaluated on demand.
  std::vector<double> shifts() const override { return {1, 2}; }
  Estimate screen(const CostEvaluator& probe) const override;
  std::vector<double> screening_shifts() const override { return {1}; }

 private:
  double step_;
};

/// (J(x+h) - J(x-h)) / 2h: second order; truncation estimated against the step 2h.
class CentralDifference final : public DifferenceScheme {
 public:
  explicit CentralDifference(double step) : step_(step) {}
  Scheme kind() const override { return Scheme::central; }
  double relative_step() const override { return step_; }
  Estimate estimate(const CostEvaluator& probe) const override;
  std::vector<double> shifts() const override { return {-2, -1, 1, 2}; }
  Estimate screen(const CostEvaluator& probe) const override;
  std::vector<double> screening_shifts() const override { return {-1, 1}; }

 private:
  double step_;
};

/// (8(J(x+h) - J(x-h)) - (J(x+2h) - J(x-2h))) / 12h: fourth order (Richardson on central);
/// truncation estimated against the step 2h.
class FivePoint final : public DifferenceScheme {
 public:
  explicit FivePoint(double step) : step_(step) {}
  Scheme kind() const override { return Scheme::five_point; }
  double relative_step() const override { return step_; }
  Estimate estimate(const CostEvaluator& probe) const override;
  std::vector<double> shifts() const override { return {-4, -2, -1, 1, 2, 4}; }
  Estimate screen(const CostEvaluator& probe) const override;
  std::vector<double> screening_shifts() const override { return {-2, -1, 1, 2}; }

 private:
  double step_;
};

/// Im J(x + ih) / h: no subtraction, so exact to rounding for any tiny h, on networks whose
/// every operation is analytic (everything but the relu kinks, which it detects with a real
/// stencil).
class ComplexStep final : public DifferenceScheme {
 public:
  explicit ComplexStep(double step) : step_(step) {}
  Scheme kind() const override { return Scheme::complex_step; }
  double relative_step() const override { return step_; }
  Estimate estimate(const CostEvaluator& probe) const override;

 private:
  double step_;
};

}  // namespace gradfuzz::detail

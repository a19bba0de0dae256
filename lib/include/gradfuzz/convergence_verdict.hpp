#pragma once
// The convergence-rate verdict: a second, finer look at an entry whose discrepancy is close to
// its allowance. One central difference at one step cannot tell a claim that is slightly wrong
// from one the step resolves poorly; a sequence of steps can.
//
// For steps h from 1e-1 to 1e-9 (three per decade, times max(1, |x|)) the study takes central
// differences D(h) and the error e(h) = |claimed - D(h)|. For a right claim e falls as h^2 (the
// scheme's order) until rounding, about 64 eps |J|-scale / h, takes over; for a wrong one it
// stalls at the size of the mistake. Over the points where e(h) is above 4x the rounding bound
// (truncation or the mistake dominates), the observed order is the least-squares slope of
// log e against log h over the last (smallest-step) four of them. The most accurate estimate is
// the D(h) with the smallest rounding(h) + truncation(h) (truncation from Richardson against the
// previous step); the resolved error is its e(h) minus 4x that uncertainty, floored at 0: how far
// the claim is from the best estimate, beyond what that estimate may be off.
//   converges:    order >= 1.5 (or fewer than two points are above rounding, so no order: the
//                 claim agrees to rounding)
//                 and resolved error <= allowance: the claim is right;
//   stalls:       order < 0.5 and resolved error > allowance: the claim is wrong;
//   inconclusive: anything else (the mistake is too close to what differences can resolve).
// The allowance is what the code under test may be off by (rtol and its rounding, compare.hpp),
// without the finite-difference error the study measures itself.

#include <armadillo>
#include <optional>
#include <string_view>
#include <vector>

#include "gradfuzz/case.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

/// One central difference of a convergence study.
struct ConvergencePoint {
  double step = 0;      ///< h
  double estimate = 0;  ///< (J(x+h) - J(x-h)) / 2h
  double error = 0;     ///< |claimed - estimate|
};

enum class Convergence { converges, stalls, inconclusive };

std::string_view to_string(Convergence v);  ///< "converges", "stalls", "inconclusive"
std::optional<Convergence> find_convergence(std::string_view name);

struct ConvergenceStudy {
  std::vector<ConvergencePoint> points;  ///< largest step first
  double order = 0;                      ///< observed order of e(h); NaN with < 2 usable points
  double resolved_error = 0;             ///< see above, in the mean convention
  Convergence verdict = Convergence::inconclusive;
};

/// The study of dJ/dq at (row, col) of `c` against `claimed_mean`, with `allowance_mean` what
/// the code may be off by there (both in the mean convention). Not for entries at a kink.
ConvergenceStudy study_convergence(const Case& c, Quantity q, arma::uword row, arma::uword col,
                                   double claimed_mean, double allowance_mean);

}  // namespace gradfuzz

#pragma once
// Compares a claimed gradient with finite differences, entry by entry.
//
// The pass rule, for claimed g and numeric n (in the convention being tried) at one entry:
//   * both must be finite: a NaN or Inf on either side fails the entry;
//   * a regular entry passes when |g - n| <= safety * e + rtol * max(|g|, |n|) + r,
//     where e is the finite-difference scheme's own error bound for that entry and
//     r = ulps * eps * M is the rounding a correct implementation in the code's precision may
//     show (eps its machine epsilon, M the entry's rounding magnitude, rounding.hpp); two exact
//     zeros always pass;
//   * an entry whose stencil crossed relu kinks is counted (kink_entries), never dropped, and
//     judged by its one-sided derivatives l and r: it passes when g lies in [min(l, r), max(l, r)]
//     widened by the same slack. Outside that bracket it fails if the stencil crossed a single
//     kink (then the bracket holds every valid subgradient); if it crossed several, every choice
//     of relu'(0) per unit is a valid subgradient and the bracket no longer holds them all, so
//     the entry is counted as unverified (kink_unverified) instead of failed.
//   * a regular entry that fails by at most 100x its allowance is borderline: when the caller
//     gives a BorderlineJudge (check_case gives the convergence-rate verdict of
//     convergence_verdict.hpp), the judge may settle it as right, against the allowance
//     rtol * max(|g|, |n|) + r alone (the judge measures the finite-difference error itself);
//     settled entries pass and are counted (borderline_settled). At most 16 are put to the judge
//     per quantity; the rest keep their verdict. Only the expected convention is settled.
// A quantity passes in a convention when its shape is the expected one and every entry passes.
// It is tried in both conventions (numeric * 1 for mean, numeric * m for sum); `matched` names
// the one that passes (the expected one first), and the check passes only when that is the
// expected convention.

#include <armadillo>
#include <functional>
#include <optional>

#include "gradfuzz/convention.hpp"
#include "gradfuzz/convergence_verdict.hpp"
#include "gradfuzz/numeric.hpp"
#include "gradfuzz/quantity.hpp"

namespace gradfuzz {

struct Tolerance {
  /// Relative error allowed to the code under test beyond the finite-difference error.
  double rtol = 1e-7;
  /// Rounding allowed to the code under test, in units of its machine epsilon times each
  /// entry's rounding magnitude (rounding.hpp): sums that cancel leave small entries with
  /// errors the size of the terms they sum.
  double ulps = 64;
  /// The code under test's machine epsilon.
  double epsilon = 0x1p-52;
  /// Multiplies the finite-difference error bound, which is an estimate, not a proof.
  double safety = 4;

  /// float64: rtol 1e-7 (the course's threshold), 64 ulps of 2^-52;
  /// float32: rtol 2e-4 (about a thousand float32 ulps), 64 ulps of 2^-23.
  static Tolerance for_precision(Precision p);
};

struct EntryError {
  arma::uword row = 0, col = 0;
  double claimed = 0;
  double numeric = 0;
  double abs_error = 0;  ///< |claimed - numeric|
  double rel_error = 0;  ///< relative_error(claimed, numeric): NaN where either is not finite
  bool at_kink = false;
};

struct QuantityCheck {
  Quantity quantity;
  bool passed = false;
  Convention expected = Convention::mean;
  std::optional<Convention> matched;  ///< the convention whose numeric values it passes in
  /// The course's ||g - n|| / (||g|| + ||n||), against the matched convention (the expected one
  /// if none matched), over the entries not at a kink and not within the numeric error of 0 on
  /// both sides (a dead unit's 0 against rounding noise); 0 when both are zero, NaN when a side
  /// is not finite.
  double rel_diff = 0;
  Shape claimed_shape;
  Shape expected_shape;
  bool non_finite = false;             ///< a NaN or Inf on either side
  arma::uword failing_entries = 0;     ///< in the expected convention
  arma::uword kink_entries = 0;        ///< entries whose stencil crossed a relu kink
  arma::uword kink_unverified = 0;     ///< of those, the ones outside the one-sided bracket
  arma::uword borderline_settled = 0;  ///< borderline entries the judge found right
  EntryError worst;                    ///< the entry furthest outside its allowance
  arma::mat claimed;                   ///< as claimed
  arma::mat numeric;                   ///< finite differences, in the expected convention
  /// For a failed quantity of a diagnosed case: central differences of the worst entry at a
  /// sequence of steps (empty otherwise), their observed order and the convergence-rate
  /// verdict on the worst entry (convergence_verdict.hpp).
  std::vector<ConvergencePoint> convergence;
  double convergence_order = 0;
  std::optional<Convergence> convergence_verdict;
  /// Judged by directional derivatives (fast mode, directional_check.hpp) rather than entry by
  /// entry: then `numeric` is NaN except at localized entries, and `worst` is the worst of those.
  bool directional = false;
  /// Fast mode, a failed quantity: the entries group testing named, each with its own finite
  /// difference (at most FastOptions::max_localized of them).
  std::vector<EntryError> localized;

  bool shape_ok() const { return claimed_shape == expected_shape; }
};

/// Settles a borderline entry (row, col): whether a claim of `claimed_mean` is right when the
/// code may be off by `allowance_mean` (both in the mean convention).
using BorderlineJudge = std::function<bool(arma::uword row, arma::uword col, double claimed_mean,
                                           double allowance_mean)>;

/// Checks `claimed` against `numeric_mean` (dJ/dq from numeric_gradients) for a batch of m,
/// expecting `expected`'s convention. `magnitude_mean` is the quantity's rounding magnitude in
/// the mean convention (rounding_magnitudes; for dZ, dA: divided by m); empty means none.
/// `settle`, when given, judges borderline entries (see the pass rule above).
QuantityCheck compare(Quantity q, const arma::mat& claimed, const NumericQuantity& numeric_mean,
                      const arma::mat& magnitude_mean, arma::uword m, Convention expected,
                      const Tolerance& tolerance, const BorderlineJudge& settle = {});

/// One entry's |g - n| / max(|g|, |n|): 0 for two zeros, NaN when either side is not finite
/// (a NaN claim is not "0 relative error"; sorted by worse_error, it is the worst).
double relative_error(double g, double n);

/// Whether relative error a is worse than b: NaN is worse than any number.
bool worse_error(double a, double b);

/// The course's relative difference ||g - n|| / (||g|| + ||n||), 0 when both are zero.
double relative_difference(const arma::mat& g, const arma::mat& n);

}  // namespace gradfuzz

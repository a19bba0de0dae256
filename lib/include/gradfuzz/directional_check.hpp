#pragma once
// Fast mode's check: directional derivatives along random Gaussian directions against the
// claimed gradient (fast_mode.hpp states the miss bound), and group testing to localize a
// failure.
//
// The pass rule, for one test over a set S of entries (all checked parameters together, one
// quantity, or a range of one quantity's entries) and a direction v supported on S:
//   * D_v = dJ(theta + t v)/dt at 0 by the fourth-order difference from t = +-h, +-2h, with its
//     error bound fd = |e(h) - e(2h)| / 15 + rounding (1.5 * 64 eps R / h, R the cost's rounding
//     scale, as the entry-wise schemes), h = eps^(1/5) max(1, rms theta_S) / ||v||;
//   * the claimed value is c_v = sum_i g_i v_i (in the convention tried, as dJ/dtheta);
//   * it passes when |c_v - D_v| <= tau_v = kappa ||alpha_S||_2 + safety * fd, where alpha_i =
//     rtol |g_i| + ulps eps M_i is the allowance the full check gives entry i (compare.hpp;
//     M the rounding magnitude). For code whose entries err by at most alpha, c_v - D_v is
//     N(0, ||e||^2) with ||e|| <= ||alpha||, so kappa = 6 keeps false alarms below 2e-9 per
//     direction; a single entry is tested along v = 1 with kappa = 1, the full rule itself;
//   * a stencil that crosses relu kinks is shrunk (h halved up to 12 times); if it still crosses
//     (the base point is on a kink), c_v is judged against the one-sided slopes as compare.hpp
//     judges an entry: outside [min(l, r), max(l, r)] widened by tau_v fails with one kink
//     crossed and is unverified with several. Such a direction never counts towards k.
//   * A direction counts towards k when its stencil is smooth and safety * fd <= cap, cap =
//     kappa ||alpha|| / 2 + 2 safety rho, rho the rounding part of fd at the nominal step (||v||
//     replaced by sqrt(|S|) + 4, which ||v|| exceeds with probability below 4e-4). Then every
//     counted passing direction has |e.v| <= T = 2 kappa ||alpha|| + 4 safety rho, a number
//     fixed before any direction is drawn: the T of fast_mode.hpp's bound.
// A test passes in a convention when every direction judged passes in it; like compare(), the
// expected convention is tried first and the other (numbers scaled by m) names `matched`.
//
// Localizing a failure: each quantity of the failing group is tested alone (k directions); the
// entries of a failing quantity are bisected (halves of its column-major entry range, each tested
// with FastOptions::localize_directions directions) down to single entries, whose test is the
// full check's own rule, until FastOptions::max_localized entries are named.

#include <cstddef>
#include <vector>

#include "gradfuzz/check.hpp"

namespace gradfuzz {

/// The number of directions k for which an error of norm `detectable` is missed with
/// probability below `miss_probability`, when each direction passes with |e.v| <= `tolerance`:
/// the least k >= 2 with q^k <= P, q = sqrt(2/pi) tolerance / detectable capped at 0.1 (so that
/// an unreachable `detectable` gives X near 8 tolerance instead of unbounded k). Throws
/// std::invalid_argument unless 0 < miss_probability < 1.
std::size_t directions_for(double miss_probability, double tolerance, double detectable);

/// X = sqrt(2/pi) tolerance / P^(1/k): errors of norm X or more are missed with probability at
/// most P by k directions (infinite for k = 0).
double miss_threshold(double tolerance, double miss_probability, std::size_t k);

/// Fills result.checks (one QuantityCheck per quantity of `wanted`, directional = true) and
/// result.fast. Parameters are judged together; each claimed intermediate alone. In a fast
/// check, QuantityCheck::numeric is NaN except at localized entries, failing_entries counts the
/// localized entries, and rel_diff is the course's metric over the directional derivatives of
/// the test that judged the quantity.
void check_directional(const Case& c, const Claim& claim, const SourceInfo& info,
                       const std::vector<Quantity>& wanted, const Tolerance& tolerance,
                       const FastOptions& options, CaseResult& result);

}  // namespace gradfuzz

#pragma once
// Fast mode (`--mode fast`): instead of one finite difference per parameter (2P forward passes),
// compare directional derivatives of J along a few random directions with what the claimed
// gradient says they are, and bound the chance of missing a wrong gradient.
//
// The bound. Let g be the claimed gradient (in the mean convention), t the true one, e = g - t,
// and v a direction with independent N(0, 1) entries. Then e.v ~ N(0, ||e||^2), whose density
// never exceeds 1 / (sqrt(2 pi) ||e||), so for any T >= 0
//     P(|e.v| <= T) <= sqrt(2/pi) T / ||e||.
// A direction passes when |g.v - D_v| <= tau_v, D_v the finite difference along v. Every
// direction that counts towards k is accepted only when its tolerance plus the numeric error
// stays below a fixed T (directional_check.hpp says how T is made), so a passing direction has
// |e.v| <= T; k independent directions all pass with probability at most
//     (sqrt(2/pi) T / ||e||)^k,
// which is below P as soon as ||e|| >= X = sqrt(2/pi) T / P^(1/k). gradfuzz picks k for the
// requested P (FastOptions) and states X: "a wrong gradient whose error exceeds X would be missed
// with probability below P". The bound holds for any e, whatever its direction or how many
// entries it touches; it assumes the finite difference's error estimate holds, as full mode does.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gradfuzz {

enum class CheckMode {
  full,  ///< every entry by finite differences (2P forward passes and more)
  fast,  ///< directional derivatives along k random directions, localized on failure
};

std::string_view to_string(CheckMode mode);  ///< "full", "fast"
std::optional<CheckMode> find_mode(std::string_view name);

struct FastOptions {
  /// The chance of missing a wrong gradient whose error norm exceeds the stated threshold X
  /// (FastSummary::threshold). 1e-6: rarer than a flaky CI machine.
  double miss_probability = 1e-6;
  /// The error size, relative to ||g||, that k is chosen to catch with miss_probability. When
  /// the tolerance cannot reach it (float32 code, tiny gradients), k is chosen for X about
  /// eight times the per-direction tolerance instead; the stated X is always what was reached.
  /// 1e-5: a hundred times the full check's per-entry rtol, yet a handful of directions.
  double relative_error = 1e-5;
  /// Directions tried at most, for all reasons together (relu kinks, imprecise differences).
  std::size_t max_directions = 200;
  /// Seeds the directions; the same case and seed draw the same directions.
  std::uint64_t seed = 0x64697265637469ULL;
  /// On a failure: entries named per failing quantity before the search stops.
  std::size_t max_localized = 8;
  /// Directions per group test while localizing (each test only needs to see a big error).
  std::size_t localize_directions = 3;
};

/// What a fast check did and the guarantee it gives, for the reports.
struct FastSummary {
  std::size_t directions = 0;  ///< k: directions that count towards the bound
  /// Directions judged but not counted: their stencil could not avoid relu kinks (judged on
  /// the one-sided slopes, or unverified with several kinks), or their finite difference was
  /// too imprecise for T. Each was replaced by a new direction.
  std::size_t replaced = 0;
  std::size_t kink_directions = 0;   ///< of the replaced, those that crossed relu kinks
  std::size_t step_halvings = 0;     ///< times a step was halved to stop crossing a kink
  std::size_t localize_tests = 0;    ///< directional tests spent localizing a failure
  std::size_t cost_evaluations = 0;  ///< evaluations of J (each at most one forward pass)
  double miss_probability = 0;       ///< P
  double tolerance = 0;              ///< T, in the expected convention
  double threshold = 0;              ///< X, ||e||_2 over the checked entries, expected convention
  double relative_threshold = 0;     ///< X / ||g||_2 (inf for a zero gradient)
  /// The failing case was then checked entry by entry (full mode) to diagnose it: a fast
  /// check's directional numbers cannot say which known bug it is.
  bool diagnosed_by_full_check = false;

  /// "a wrong gradient whose error exceeds X (r relative to ||g||) would be missed with
  /// probability below P (k directions)".
  std::string statement() const;
};

}  // namespace gradfuzz

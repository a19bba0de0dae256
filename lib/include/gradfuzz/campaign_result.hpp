#pragma once
// What a campaign found: the results object reporters read (fuzz/campaign.hpp runs one).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gradfuzz/check.hpp"
#include "gradfuzz/network_bounds.hpp"

namespace gradfuzz {

/// Which slice of a campaign's cases this run checks: case i belongs to shard i mod count.
struct Shard {
  std::size_t index = 0;  ///< 0-based; `--shard K/N` is index K-1 of N
  std::size_t count = 1;

  /// How many of cases 0..total-1 are this shard's (counted, not enumerated: total may be 1e9).
  std::size_t cases_of(std::size_t total) const {
    return total > index ? (total - index - 1) / count + 1 : 0;
  }
};

/// The worst course relative difference seen for one quantity name over the campaign (for
/// "cost", the forward-cost check: the worst |claimed - J| / max(|claimed|, |J|)).
struct QuantitySummary {
  std::string name;  ///< "dW1", "dZ2", ..., "cost"
  std::size_t cases = 0;
  /// Over the cases whose values were compared: 0 when none was (compared == 0).
  double max_rel_diff = 0;
  std::size_t failures = 0;
  /// Cases whose values were compared: a claim of the wrong shape fails without a comparison.
  std::size_t compared = 0;
  /// The convention the passing cases matched (the last one's): a source of the summed loss
  /// matches sum; unset when none passed. A failing case's own is in its check.
  std::optional<Convention> matched = {};
};

struct Failure {
  std::size_t case_number = 0;    ///< 1-based index of the first failing case
  CaseResult found;               ///< as drawn
  CaseResult shrunk;              ///< the smallest case that still fails, diagnosed
  std::size_t shrink_steps = 0;   ///< accepted shrinks
  std::size_t shrink_checks = 0;  ///< candidates tried
};

/// Cases the source refused (an `unsupported` reply) for one reason.
struct SkipReason {
  std::string reason;  ///< the source's words
  std::size_t cases = 0;
  Case example;  ///< the first case refused for it (its replay string recreates it)
};

struct CampaignResult {
  std::string source;
  /// What the source declared about the networks it handles (declared_bounds): the campaign
  /// drew only inside it. Empty for a source that declares nothing beyond version 1.
  NetworkBounds declared;
  std::uint64_t seed = 0;
  Shard shard;
  std::size_t cases_planned = 0;
  std::size_t cases_run = 0;  ///< cases checked, skipped ones not included
  /// Cases the source refused (Unsupported): counted apart, never shrunk; the campaign drew
  /// another for each, until cases_planned were checked or more than that were refused.
  std::size_t cases_skipped = 0;
  std::vector<SkipReason> skips;  ///< by reason, in the order first met
  /// When more than half of the drawn cases were refused: what the refused cases share that the
  /// checked ones do not, as the hello fields that would describe the code (e.g. "depth: it
  /// answered for depth 3 only and refused 1, 2"). Empty otherwise.
  std::vector<std::string> refusal_hints;
  arma::uword kink_entries = 0;     ///< entries at relu kinks (never failed)
  arma::uword kink_unverified = 0;  ///< of those, outside the one-sided bracket
  /// Borderline entries the convergence-rate verdict found right (compare.hpp).
  arma::uword borderline_settled = 0;
  std::vector<QuantitySummary> quantities;
  /// Fast mode: the weakest guarantee among the cases run (the largest relative threshold, its
  /// case's directions and tolerance), with the counters summed over the cases.
  std::optional<FastSummary> fast;
  std::optional<Failure> failure;
  /// Set when the source broke its contract (ProtocolError): what happened, and where.
  std::optional<std::string> misbehaviour;
  /// Set when a stop was requested (interruption.hpp: a signal) before the campaign ended: the
  /// cases run so far are kept, and a failure found is kept as far as it was shrunk.
  bool interrupted = false;

  /// More than half of the cases drawn were refused, so the campaign stopped with too little
  /// of the code checked (the CLI exits with status 2). A campaign that ended at a failure or a
  /// misbehaviour stopped for that instead.
  bool mostly_refused() const {
    return !failure && !misbehaviour && 2 * cases_skipped > cases_skipped + cases_run;
  }
  /// No failure, no misbehaviour, every planned case run (not interrupted), not mostly refused.
  bool passed() const { return !failure && !misbehaviour && !interrupted && !mostly_refused(); }
};

}  // namespace gradfuzz

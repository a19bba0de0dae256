#pragma once
// The results of one gradfuzz run: what every reporter reads, and all it reads.

#include <cstdint>
#include <string>
#include <vector>

#include "gradfuzz/campaign_result.hpp"

namespace gradfuzz {

/// A mutant hunted by `selftest`: it must be caught and diagnosed as its catalogue entry says.
struct MutantOutcome {
  std::string name;
  std::string expected_diagnosis;
  std::string description;
  CampaignResult campaign;

  bool caught() const { return campaign.failure.has_value(); }
  /// The diagnosis id of the shrunk failing case ("" if not caught).
  std::string diagnosis_id() const;
  bool diagnosed_as_expected() const { return caught() && diagnosis_id() == expected_diagnosis; }
};

struct RunResult {
  std::string command;      ///< "selftest", "check", "replay"
  std::string source_args;  ///< how to name the source again, e.g. "--builtin no_inv_m"
  std::uint64_t seed = 0;
  std::vector<CaseResult> cases;          ///< single cases: the selftest battery, a replay
  std::vector<CampaignResult> campaigns;  ///< campaigns expected to pass
  std::vector<MutantOutcome> mutants;     ///< campaigns expected to catch a bug

  /// Every case and campaign passed and every mutant was caught with its expected diagnosis;
  /// no single case was refused and no campaign mostly refused.
  bool passed() const;
  /// Whether the code under test misbehaved (a ProtocolError ended a campaign).
  bool misbehaved() const;
  /// A merge of shards (`report merge --allow-partial`) that lacks some: their numbers K of
  /// `shards` (1-based, as --shard K/N says). Empty for a complete run.
  std::vector<std::size_t> missing_shards;
  std::size_t shards = 0;  ///< N of a merge of --shard K/N runs; 0 for a run that is no merge
  /// Set when the run was stopped by a signal (the program sets it; interruption.hpp).
  bool stopped = false;
  /// stopped, or a campaign was interrupted: some planned checks were not run.
  bool interrupted() const;
  /// Whether something was found wrong: a failed case, a campaign's failure, a mutant not
  /// caught or not diagnosed as expected.
  bool found_wrong() const;
  /// Whether the code refused what it was asked: a single case (a replay) it does not handle,
  /// or a campaign of which it refused more than half the cases drawn.
  bool refused() const;
  std::size_t cases_run() const;
  arma::uword kink_entries() const;
};

}  // namespace gradfuzz

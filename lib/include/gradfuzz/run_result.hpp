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

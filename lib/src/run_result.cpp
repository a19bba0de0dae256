#include "gradfuzz/run_result.hpp"

namespace gradfuzz {

std::string MutantOutcome::diagnosis_id() const {
  if (!campaign.failure || !campaign.failure->shrunk.diagnosis) return "";
  return campaign.failure->shrunk.diagnosis->id;
}

bool RunResult::passed() const {
  if (interrupted()) return false;
  for (const auto& c : cases)
    if (!c.passed() || c.skipped()) return false;
  for (const auto& c : campaigns)
    if (!c.passed()) return false;
  for (const auto& m : mutants)
    if (!m.diagnosed_as_expected()) return false;
  return true;
}

bool RunResult::misbehaved() const {
  for (const auto& c : campaigns)
    if (c.misbehaviour) return true;
  for (const auto& m : mutants)
    if (m.campaign.misbehaviour) return true;
  return false;
}

bool RunResult::interrupted() const {
  if (stopped) return true;
  for (const auto& c : campaigns)
    if (c.interrupted) return true;
  for (const auto& m : mutants)
    if (m.campaign.interrupted) return true;
  return false;
}

bool RunResult::found_wrong() const {
  for (const auto& c : cases)
    if (!c.passed()) return true;
  for (const auto& c : campaigns)
    if (c.failure) return true;
  for (const auto& m : mutants)
    if (!m.diagnosed_as_expected()) return true;
  return false;
}

bool RunResult::refused() const {
  for (const auto& c : cases)
    if (c.skipped()) return true;
  for (const auto& c : campaigns)
    if (c.mostly_refused()) return true;
  return false;
}

std::size_t RunResult::cases_run() const {
  std::size_t total = 0;
  for (const auto& c : cases) total += c.skipped() ? 0 : 1;
  for (const auto& c : campaigns) total += c.cases_run;
  for (const auto& m : mutants) total += m.campaign.cases_run;
  return total;
}

arma::uword RunResult::kink_entries() const {
  arma::uword total = 0;
  for (const auto& c : cases) total += c.kink_entries();
  for (const auto& c : campaigns) total += c.kink_entries;
  for (const auto& m : mutants) total += m.campaign.kink_entries;
  return total;
}

}  // namespace gradfuzz

#include "gradfuzz/run_result.hpp"

namespace gradfuzz {

bool RunResult::passed() const {
  for (const auto& c : cases)
    if (!c.passed()) return false;
  return true;
}

arma::uword RunResult::kink_entries() const {
  arma::uword total = 0;
  for (const auto& c : cases) total += c.kink_entries();
  return total;
}

}  // namespace gradfuzz

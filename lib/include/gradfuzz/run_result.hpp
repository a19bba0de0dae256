#pragma once
// The results of one gradfuzz run: what every reporter reads, and all it reads.

#include <string>
#include <vector>

#include "gradfuzz/check.hpp"

namespace gradfuzz {

struct RunResult {
  std::string command;             ///< e.g. "selftest"
  std::vector<CaseResult> cases;   ///< every case checked, in order

  bool passed() const;
  arma::uword kink_entries() const;
};

}  // namespace gradfuzz

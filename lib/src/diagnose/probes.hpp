#pragma once
// Confirming hypotheses by probing: cases the diagnoser designs so that the remaining
// hypotheses predict different gradients (or differ from the right ones), asked of the code
// under test. A hypothesis an answer contradicts is dropped.

#include "gradfuzz/diagnosis.hpp"
#include "search.hpp"

namespace gradfuzz::detail {

struct ProbeOutcome {
  std::vector<HypothesisPtr> survivors;
  std::vector<Probe> probes;
  std::vector<Evidence> answers;  ///< what the code claimed on each probe it answered
};

/// Probes `candidates` around `shrunk` (at most `budget` questions to `source`); the survivors
/// keep their order.
ProbeOutcome probe(std::vector<HypothesisPtr> candidates, const Case& shrunk,
                   GradientSource& source, const SourceInfo& info, const Tolerance& t,
                   int budget = 5);

/// For code that failed on `c`: asks it the same network with every width equal (where a
/// missing transpose runs; with a hidden layer added when `c` has none). The probe is
/// recorded in `record`; an answer with wrong gradients is returned.
std::optional<Evidence> probe_square(const Case& c, GradientSource& source, const SourceInfo& info,
                                     const Tolerance& t, Probe& record);

}  // namespace gradfuzz::detail

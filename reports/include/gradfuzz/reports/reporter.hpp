#pragma once
// Reporters render a RunResult; each format is one class behind this interface, and none
// computes anything the results do not already hold.

#include "gradfuzz/run_result.hpp"

namespace gradfuzz {

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void report(const RunResult& run) = 0;
};

}  // namespace gradfuzz

#pragma once
// The results contract of DESIGN.md as JSON. Numbers are written at full precision and
// independent of the locale; NaN and infinities, which JSON cannot hold as numbers, are
// written as the strings "NaN", "Infinity" and "-Infinity".

#include <ostream>

#include "gradfuzz/reports/reporter.hpp"

namespace gradfuzz {

class JsonReporter final : public Reporter {
 public:
  explicit JsonReporter(std::ostream& out) : out_(out) {}
  void report(const RunResult& run) override;

 private:
  std::ostream& out_;
};

}  // namespace gradfuzz

#pragma once
// JUnit XML as CI systems read it: a testsuite per campaign (and one for single cases, one for
// the mutants of a self-test), a testcase per checked quantity, failures carrying the diagnosis,
// the seed and the replay command as properties.

#include <ostream>

#include "gradfuzz/reports/reporter.hpp"

namespace gradfuzz {

class JunitReporter final : public Reporter {
 public:
  explicit JunitReporter(std::ostream& out) : out_(out) {}
  void report(const RunResult& run) override;

 private:
  std::ostream& out_;
};

}  // namespace gradfuzz

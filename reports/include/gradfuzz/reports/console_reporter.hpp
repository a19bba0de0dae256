#pragma once
// Plain-text report for a terminal or a CI log.

#include <ostream>

#include "gradfuzz/reports/reporter.hpp"

namespace gradfuzz {

class ConsoleReporter final : public Reporter {
 public:
  struct Options {
    bool quiet = false;  ///< only the verdict line
  };
  ConsoleReporter(std::ostream& out, Options options);
  void report(const RunResult& run) override;

 private:
  std::ostream& out_;
  Options options_;
};

}  // namespace gradfuzz

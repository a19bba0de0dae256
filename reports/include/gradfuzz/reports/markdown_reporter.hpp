#pragma once
// Markdown that reads well as a CI job summary (GitHub's $GITHUB_STEP_SUMMARY, GitLab notes).

#include <ostream>

#include "gradfuzz/reports/reporter.hpp"

namespace gradfuzz {

class MarkdownReporter final : public Reporter {
 public:
  explicit MarkdownReporter(std::ostream& out) : out_(out) {}
  void report(const RunResult& run) override;

 private:
  std::ostream& out_;
};

}  // namespace gradfuzz

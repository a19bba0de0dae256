#pragma once
// One self-contained HTML file (no network requests: styles, SVG figures and the copy button's
// script are inline) for a reviewer: the verdict and settings first; per failure the network
// drawn with its shapes, the diagnosis, a table per quantity, a heatmap of per-entry relative
// error per matrix, claimed against numeric for the worst entries, a convergence plot of the
// worst entry (error against finite-difference step, log-log) and a copyable replay command;
// for passing runs a summary per quantity. Printable.

#include <ostream>

#include "gradfuzz/reports/reporter.hpp"

namespace gradfuzz {

class HtmlReporter final : public Reporter {
 public:
  explicit HtmlReporter(std::ostream& out) : out_(out) {}
  void report(const RunResult& run) override;

 private:
  std::ostream& out_;
};

}  // namespace gradfuzz

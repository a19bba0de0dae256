#include "gradfuzz/reports/console_reporter.hpp"

#include <cstdio>
#include <string>

namespace gradfuzz {
namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

void table(std::ostream& out, const CaseResult& result) {
  out << "  quantity  convention  rel.diff    worst entry   claimed        numeric        "
         "kinks  verdict\n";
  for (const QuantityCheck& q : result.checks) {
    std::string name = q.quantity.name();
    name.resize(8, ' ');
    std::string matched = q.matched ? std::string(to_string(*q.matched)) : "none";
    matched.resize(10, ' ');
    out << "  " << name << "  " << matched << "  ";
    if (!q.shape_ok()) {
      out << "shape " << to_string(q.claimed_shape) << ", expected " << to_string(q.expected_shape)
          << "  FAIL\n";
      continue;
    }
    std::string entry =
        "(" + std::to_string(q.worst.row) + "," + std::to_string(q.worst.col) + ")";
    entry.resize(12, ' ');
    out << format("%-10.2e", q.rel_diff) << "  " << entry << "  "
        << format("%-+13.6e", q.worst.claimed) << "  " << format("%-+13.6e", q.worst.numeric)
        << "  " << format("%5.0f", static_cast<double>(q.kink_entries)) << "  "
        << (q.passed ? "pass" : "FAIL") << '\n';
  }
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::ostream& out, Options options)
    : out_(out), options_(options) {}

void ConsoleReporter::report(const RunResult& run) {
  std::size_t failed = 0;
  for (const auto& c : run.cases) failed += c.passed() ? 0 : 1;
  if (!options_.quiet) {
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
      const CaseResult& result = run.cases[i];
      out_ << "case " << i + 1 << "/" << run.cases.size() << ": " << result.source << " on "
           << result.c.spec.describe() << ", m=" << result.c.m() << ", "
           << to_string(result.scheme) << " differences\n";
      if (result.source_error) out_ << "  the code under test failed: " << *result.source_error << '\n';
      table(out_, result);
      if (!result.passed() && !result.c.replay.empty())
        out_ << "  replay: gradfuzz replay '" << result.c.replay << "'\n";
      out_ << '\n';
    }
  }
  out_ << "gradfuzz " << run.command << ": "
       << (run.passed() ? "PASSED" : "FAILED") << ", " << run.cases.size() << " case(s) checked, "
       << failed << " failed, " << run.kink_entries() << " entries at relu kinks\n";
}

}  // namespace gradfuzz

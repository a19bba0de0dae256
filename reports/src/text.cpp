#include "text.hpp"

#include <cstdio>

#include "gradfuzz/detail/shell_words.hpp"

namespace gradfuzz::detail {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string describe(const Case& c) {
  return c.spec.describe() + ", m=" + std::to_string(c.m());
}

std::string replay_command(const RunResult& run, const Case& c) {
  return "gradfuzz replay " + shell_quote(c.replay) +
         (run.source_args.empty() ? "" : " " + run.source_args);
}

std::string worst_rel_diff(const QuantitySummary& q, const char* pattern) {
  return q.compared ? format(pattern, q.max_rel_diff) : "not compared (wrong shape)";
}

std::string entry_name(const EntryError& e) {
  return "(" + std::to_string(e.row) + "," + std::to_string(e.col) + ")";
}

std::string cost_line(const CostCheck& cost) {
  return "cost J: claimed " + format("%.10g", cost.claimed) + ", reference " +
         format("%.10g", cost.reference) + " (off by " + format("%.2g", cost.abs_error()) +
         ", allowed " + format("%.2g", cost.allowed) + "): " + (cost.passed ? "pass" : "FAIL");
}

std::string numeric_words(const CaseResult& r) {
  if (r.numeric_from == NumericFrom::reference) return "";
  return "parameters from differences of the code's own cost";
}

std::string verdict(const RunResult& run) {
  std::string line = "gradfuzz " + run.command + ": ";
  if (!run.missing_shards.empty()) {
    line += "PARTIAL (shard";
    line += run.missing_shards.size() > 1 ? "s " : " ";
    for (std::size_t i = 0; i < run.missing_shards.size(); ++i)
      line += (i ? ", " : "") + std::to_string(run.missing_shards[i]) + "/" +
              std::to_string(run.shards);
    line += " missing), ";
  }
  if (run.interrupted())
    return line + "INTERRUPTED after " + std::to_string(run.cases_run()) + " case(s), seed " +
           std::to_string(run.seed) + " (--seed " + std::to_string(run.seed) +
           " draws the same cases again)";
  if (run.misbehaved()) return line + "ERROR: the code under test misbehaved";
  if (run.passed())
    return line + "PASSED, " + std::to_string(run.cases_run()) + " case(s) checked, " +
           std::to_string(run.kink_entries()) + " entries at relu kinks";
  for (const auto& c : run.campaigns)
    if (c.failure) {
      const auto& d = c.failure->shrunk.diagnosis;
      const auto& cost = c.failure->shrunk.cost;
      return line + "FAILED: " + one_line(c.source) +
             (cost && !cost->passed ? " has a wrong cost" : " has a wrong gradient") +
             (d ? " [" + d->id + "]" : "") + ", found at case " +
             std::to_string(c.failure->case_number);
    }
  std::size_t failed = 0;
  for (const auto& c : run.cases) failed += c.passed() ? 0 : 1;
  std::size_t missed = 0;
  for (const auto& m : run.mutants) missed += m.diagnosed_as_expected() ? 0 : 1;
  return line + "FAILED: " + std::to_string(failed) + " case(s) failed" +
         (run.mutants.empty()
              ? ""
              : ", " + std::to_string(missed) + " mutant(s) not caught or misdiagnosed");
}

std::string fast_campaign_statement(const FastSummary& fast) {
  return "weakest case: " + fast.statement();
}

std::string one_line(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '\n')
      out += "\\x0a";
    else if (ch == '\r')
      out += "\\x0d";
    else
      out += ch;
  }
  return out;
}

std::string indented(std::string_view text, std::string_view indent) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    // A line that starts with the indent already (gradfuzz's own layout) is kept as it is.
    if (text[i] == '\n' && text.substr(i + 1, indent.size()) != indent) out += indent;
  }
  return out;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if ((byte < 0x20 && ch != '\n' && ch != '\t') || byte == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out;
}

std::string probe_line(const Probe& p) {
  std::string line = p.purpose + ": " + p.outcome;
  if (!p.contradicted.empty()) {
    line += " (ruled out:";
    for (std::size_t k = 0; k < p.contradicted.size() && k < 4; ++k)
      line += (k ? ", " : " ") + p.contradicted[k];
    if (p.contradicted.size() > 4) line += ", ...";
    line += ")";
  }
  return line;
}

}  // namespace gradfuzz::detail

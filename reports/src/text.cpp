#include "text.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "gradfuzz/detail/shell_words.hpp"

namespace gradfuzz::detail {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  std::string out = buffer;
  if (std::isnan(value)) {  // printf's "nan" or "-nan", at the same width
    const auto at = out.find("nan");
    if (at != std::string::npos) {
      out.replace(at, 3, "NaN");
      if (at > 0 && (out[at - 1] == '-' || out[at - 1] == '+')) out[at - 1] = ' ';
    }
  } else if (std::isinf(value)) {
    if (const auto at = out.find("inf"); at != std::string::npos) out.replace(at, 3, "Inf");
  }
  return out;
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

std::string declared_words(const NetworkBounds& d) {
  std::vector<std::string> parts;
  auto list = [](const std::vector<Activation>& as) {
    std::string out;
    for (Activation a : as) out += (out.empty() ? "" : ", ") + std::string(to_string(a));
    return out;
  };
  if (d.hidden_activations) parts.push_back("hidden " + list(*d.hidden_activations));
  if (d.output_activations) parts.push_back("output " + list(*d.output_activations));
  if (d.same_hidden_activation) parts.push_back("one activation for every hidden layer");
  if (d.depth) parts.push_back("depth " + to_string(*d.depth));
  if (d.output_units)
    parts.push_back(to_string(*d.output_units) +
                    (d.output_units->max == 1 ? " output unit" : " output units"));
  if (d.max_width) parts.push_back("layers of up to " + std::to_string(*d.max_width) + " units");
  if (d.max_batch) parts.push_back("batches of up to " + std::to_string(*d.max_batch));
  if (d.hard_labels) parts.push_back("hard labels only");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string skipped_words(const CampaignResult& c) {
  if (!c.cases_skipped) return "";
  std::string out =
      std::to_string(c.cases_skipped) + " case(s) skipped, refused by the code (not findings):";
  for (std::size_t k = 0; k < c.skips.size(); ++k) {
    const SkipReason& s = c.skips[k];
    out += std::string(k ? "," : "") + " \"" + s.reason + "\" (" + std::to_string(s.cases) +
           "; first " + describe(s.example) + ")";
  }
  return out;
}

std::string refused_words(const CampaignResult& c) {
  return "the code refused " + std::to_string(c.cases_skipped) + " of the " +
         std::to_string(c.cases_skipped + c.cases_run) +
         " cases drawn, more than half, so too little of it was checked; its hello can say what "
         "it handles, so that only that is drawn (docs/PROTOCOL.md)";
}

std::string case_of(const CampaignResult& c, std::size_t case_number) {
  if (!c.cases_skipped)
    return "case " + std::to_string(case_number) + " of " + std::to_string(c.cases_planned);
  return "case " + std::to_string(case_number) + " of " + std::to_string(c.cases_planned) +
         " planned and " + std::to_string(c.cases_skipped) + " skipped";
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
  if (run.passed()) {
    std::size_t skipped = 0;
    for (const auto& c : run.campaigns) skipped += c.cases_skipped;
    return line + "PASSED, " + std::to_string(run.cases_run()) + " case(s) checked" +
           (skipped ? ", " + std::to_string(skipped) + " skipped (refused by the code)" : "") +
           ", " + std::to_string(run.kink_entries()) + " entries at relu kinks";
  }
  for (const auto& c : run.campaigns)
    if (c.failure) {
      const auto& d = c.failure->shrunk.diagnosis;
      const auto& cost = c.failure->shrunk.cost;
      return line + "FAILED: " + one_line(c.source) +
             (cost && !cost->passed ? " has a wrong cost" : " has a wrong gradient") +
             (d ? " [" + d->id + "]" : "") + ", found at case " +
             std::to_string(c.failure->case_number);
    }
  if (!run.found_wrong() && run.refused()) {
    for (const auto& c : run.campaigns)
      if (c.mostly_refused())
        return line + "STOPPED: " + c.source + " refused " + std::to_string(c.cases_skipped) +
               " of " + std::to_string(c.cases_skipped + c.cases_run) +
               " cases drawn (more than half); its hello can describe what it handles";
    for (const auto& c : run.cases)
      if (c.skipped())
        return line + "SKIPPED: the code does not handle this case: " + *c.unsupported;
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

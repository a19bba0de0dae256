#include "gradfuzz/reports/markdown_reporter.hpp"

#include <algorithm>
#include <string_view>

#include "text.hpp"

namespace gradfuzz {
namespace {

// Text in Markdown, from gradfuzz or from outside (an adapter's hello name, its error
// messages, its stderr, a results file): shown as written, never read as markup. HTML is
// written as entities (no <img>, <script> or comment), Markdown's punctuation is escaped (no
// link, emphasis, heading, code span or table cell ends), a line break is a space, so that the
// text stays in its paragraph or cell, and another control character is U+FFFD.
std::string md(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '!':
      case '|':
      case '~':
        out += '\\';
        out += ch;
        break;
      default:
        // Other control characters (a bell, an ANSI escape) have no business in a summary.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t')
          out += "\xEF\xBF\xBD";  // U+FFFD, as XmlWriter writes them
        else
          out += ch;
    }
  }
  return out;
}

// A fenced code block for `code`: the fence is longer than any run of backticks inside.
std::string fenced(const std::string& code, const char* language) {
  std::size_t run = 0, longest = 0;
  for (char ch : code) {
    run = ch == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fence + language + "\n" + code + "\n" + fence;
}

void failure_section(std::ostream& out, const RunResult& run, const CaseResult& shrunk,
                     const std::string& heading) {
  out << "### " << heading << "\n\n";
  if (shrunk.diagnosis) {
    out << "**Diagnosis <code>" << md(shrunk.diagnosis->id) << "</code>:** "
        << md(shrunk.diagnosis->message) << "\n\n";
    if (!shrunk.diagnosis->probes.empty()) {
      out << "Probes asked of the code:\n\n";
      for (const Probe& p : shrunk.diagnosis->probes)
        out << "- " << md(p.kind) << ": " << md(detail::probe_line(p)) << "\n";
      out << "\n";
    }
  }
  if (shrunk.source_error)
    out << "The code under test failed: " << md(*shrunk.source_error) << "\n\n";
  out << "Smallest failing case: " << detail::describe(shrunk.c) << "\n\n";
  if (shrunk.cost) out << "Forward pass: " << detail::cost_line(*shrunk.cost) << "\n\n";
  if (const std::string words = detail::numeric_words(shrunk); !words.empty())
    out << "Finite differences: " << words << ".\n\n";
  if (!shrunk.failures().empty()) {
    out << "| quantity | entry | claimed | numeric | abs. error | rel. error | convention |\n"
        << "|---|---|---:|---:|---:|---:|---|\n";
    for (const QuantityCheck* q : shrunk.failures()) {
      if (!q->shape_ok()) {
        out << "| " << q->quantity.name() << " | shape " << to_string(q->claimed_shape)
            << ", expected " << to_string(q->expected_shape) << " | | | | | |\n";
        continue;
      }
      out << "| " << q->quantity.name() << " | " << detail::entry_name(q->worst) << " | "
          << detail::format("%.6g", q->worst.claimed) << " | "
          << detail::format("%.6g", q->worst.numeric) << " | "
          << detail::format("%.2e", q->worst.abs_error) << " | "
          << detail::format("%.2e", q->worst.rel_error) << " | expected " << to_string(q->expected)
          << ", matches " << (q->matched ? std::string(to_string(*q->matched)) : "neither")
          << " |\n";
    }
    out << '\n';
  }
  out << "Replay:\n\n" << fenced(detail::replay_command(run, shrunk.c), "sh") << "\n\n";
}

}  // namespace

void MarkdownReporter::report(const RunResult& run) {
  out_ << "## " << (run.passed() ? "✅ " : "❌ ") << md(detail::verdict(run)) << "\n\n";
  for (const CampaignResult& c : run.campaigns) {
    out_ << "Campaign against **" << md(c.source) << "**: seed " << c.seed;
    if (c.shard.count > 1) out_ << ", shard " << c.shard.index + 1 << "/" << c.shard.count;
    out_ << ", " << c.cases_run << " of " << c.cases_planned << " cases run, " << c.kink_entries
         << " entries at relu kinks.\n\n";
    if (const std::string words = detail::declared_words(c.declared); !words.empty())
      out_ << "Declared by the code (drawn only inside it): " << md(words) << ".\n\n";
    if (const std::string words = detail::skipped_words(c); !words.empty())
      out_ << md(words) << "\n\n";
    if (c.mostly_refused()) {
      out_ << "**Stopped:** " << md(detail::refused_words(c)) << ":\n\n";
      for (const std::string& hint : c.refusal_hints) out_ << "- " << md(hint) << "\n";
      out_ << '\n';
    }
    if (c.fast) out_ << "Fast mode, " << md(detail::fast_campaign_statement(*c.fast)) << ".\n\n";
    if (c.misbehaviour)
      out_ << "**The code under test misbehaved:** " << md(*c.misbehaviour) << "\n\n";
    if (c.failure)
      failure_section(out_, run, c.failure->shrunk,
                      "Failure at " + detail::case_of(c, c.failure->case_number) + ", shrunk in " +
                          std::to_string(c.failure->shrink_steps) + " steps");
    if (!c.quantities.empty()) {
      out_ << "| quantity | cases | worst rel. difference | failures |\n|---|---:|---:|---:|\n";
      for (const QuantitySummary& q : c.quantities)
        out_ << "| " << md(q.name) << " | " << q.cases << " | " << detail::worst_rel_diff(q, "%.2e")
             << " | " << q.failures << " |\n";
      out_ << '\n';
    }
  }
  std::size_t index = 0;
  for (const CaseResult& r : run.cases) {
    ++index;
    if (!r.passed())
      failure_section(out_, run, r,
                      "Case " + std::to_string(index) + " failed (" +
                          std::string(to_string(r.scheme)) + " differences)");
  }
  if (!run.cases.empty()) {
    std::size_t passed = 0;
    for (const auto& r : run.cases) passed += r.passed() ? 1 : 0;
    out_ << passed << " of " << run.cases.size() << " single cases passed.\n\n";
  }
  if (!run.mutants.empty()) {
    out_ << "| mutant | caught at case | diagnosis | expected |\n|---|---:|---|---|\n";
    for (const MutantOutcome& m : run.mutants)
      out_ << "| " << md(m.name) << " | "
           << (m.caught() ? std::to_string(m.campaign.failure->case_number) : "not caught") << " | "
           << (m.caught() ? md(m.diagnosis_id()) : "") << " | " << md(m.expected_diagnosis)
           << (m.diagnosed_as_expected() ? " ✅" : " ❌") << " |\n";
    out_ << '\n';
  }
}

}  // namespace gradfuzz

#include "gradfuzz/reports/console_reporter.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <string>

#include "text.hpp"

namespace gradfuzz {
namespace {

using detail::describe;
using detail::indented;
using detail::one_line;
using detail::replay_command;
using detail::verdict;

std::string fmt(const char* pattern, double value) {
  return detail::format(pattern, value);
}
std::string entry(const EntryError& e) {
  return detail::entry_name(e);
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

void case_table(std::ostream& out, const CaseResult& result) {
  out << "  quantity  convention  rel.diff    worst entry   claimed        numeric        "
         "kinks  verdict\n";
  for (const QuantityCheck& q : result.checks) {
    out << "  " << pad(q.quantity.name(), 8) << "  "
        << pad(q.matched ? std::string(to_string(*q.matched)) : "none", 10) << "  ";
    if (!q.shape_ok()) {
      out << "shape " << to_string(q.claimed_shape) << ", expected " << to_string(q.expected_shape)
          << "  FAIL\n";
      continue;
    }
    if (q.directional && q.localized.empty()) {  // judged along directions, no entry named
      out << fmt("%-10.2e", q.rel_diff) << "  " << pad("directions", 12) << "  " << pad("-", 13)
          << "  " << pad("-", 13) << "  " << pad("    -", 5) << "  " << (q.passed ? "pass" : "FAIL")
          << '\n';
      continue;
    }
    out << fmt("%-10.2e", q.rel_diff) << "  " << pad(entry(q.worst), 12) << "  "
        << fmt("%-+13.6e", q.worst.claimed) << "  " << fmt("%-+13.6e", q.worst.numeric) << "  "
        << fmt("%5.0f", static_cast<double>(q.kink_entries)) << "  " << (q.passed ? "pass" : "FAIL")
        << '\n';
  }
}

void failure_table(std::ostream& out, const CaseResult& result) {
  out << "    quantity  entry     claimed        numeric        abs.err    rel.err    expected\n";
  for (const QuantityCheck* q : result.failures()) {
    out << "    " << pad(q->quantity.name(), 8) << "  ";
    if (!q->shape_ok()) {
      out << "shape " << to_string(q->claimed_shape) << " where " << to_string(q->expected_shape)
          << " is expected\n";
      continue;
    }
    out << pad(entry(q->worst), 8) << "  " << fmt("%+13.6e", q->worst.claimed) << "  "
        << fmt("%+13.6e", q->worst.numeric) << "  " << fmt("%9.2e", q->worst.abs_error) << "  "
        << fmt("%9.2e", q->worst.rel_error) << "  " << to_string(q->expected)
        << (q->matched && *q->matched != q->expected
                ? " (matches " + std::string(to_string(*q->matched)) + ")"
                : "")
        << '\n';
  }
}

void localized(std::ostream& out, const CaseResult& result) {
  for (const QuantityCheck& q : result.checks) {
    if (q.localized.empty()) continue;
    out << "    " << q.quantity.name() << ": wrong entries localized by group testing:";
    for (const EntryError& e : q.localized)
      out << ' ' << entry(e) << " claimed " << fmt("%.6g", e.claimed) << " numeric "
          << fmt("%.6g", e.numeric) << ';';
    out << '\n';
  }
}

// A campaign's summary states its weakest case and counts over all its cases.
void fast_line(std::ostream& out, const std::optional<FastSummary>& fast, bool campaign) {
  if (!fast) return;
  out << "  fast mode"
      << (campaign ? ", " + detail::fast_campaign_statement(*fast) : ": " + fast->statement())
      << (campaign ? "; over all cases: " : "; ") << fast->replaced << " direction(s) replaced ("
      << fast->kink_directions << " at relu kinks), " << fast->step_halvings << " step halving(s), "
      << fast->cost_evaluations << " cost evaluations\n";
}

void failure_block(std::ostream& out, const RunResult& run, const CampaignResult& c) {
  const Failure& f = *c.failure;
  const CaseResult& s = f.shrunk;
  out << "  failed at " << detail::case_of(c, f.case_number) << " (" << describe(f.found.c)
      << "); shrunk in " << f.shrink_steps << " step(s) to " << describe(s.c) << '\n';
  if (f.found.fast && !f.found.passed()) {
    out << "  fast mode found it";
    if (f.found.failures().empty())
      out << '\n';
    else
      out << ":\n";
    localized(out, f.found);
    if (s.fast && s.fast->diagnosed_by_full_check)
      out << "  the shrunk case was then checked entry by entry (full mode) to diagnose it\n";
  }
  if (s.diagnosis) {
    out << "  diagnosis [" << one_line(s.diagnosis->id)
        << "]: " << indented(s.diagnosis->message, "    ") << '\n';
    for (const Probe& p : s.diagnosis->probes)
      out << "    probe (" << p.kind << "): " << indented(detail::probe_line(p), "      ") << '\n';
  }
  if (s.source_error)
    out << "  the code under test failed: " << indented(*s.source_error, "    ") << '\n';
  if (!s.failures().empty()) failure_table(out, s);
  if (s.cost && !s.cost->passed) out << "  " << detail::cost_line(*s.cost) << '\n';
  out << "  replay: " << replay_command(run, s.c) << '\n';
}

// One row per mutant; each column as wide as its longest cell, so a long network still lines up.
void mutant_table(std::ostream& out, const std::vector<MutantOutcome>& mutants) {
  std::vector<std::array<std::string, 6>> rows{
      {"mutant", "caught", "cases", "shrunk to", "diagnosis", "expected"}};
  for (const MutantOutcome& m : mutants) {
    const bool caught = m.caught();
    rows.push_back({one_line(m.name), caught ? "yes" : "NO",
                    caught ? std::to_string(m.campaign.failure->case_number) : "-",
                    caught ? describe(m.campaign.failure->shrunk.c) : "-",
                    caught ? m.diagnosis_id() : "-",
                    m.diagnosed_as_expected() ? "yes" : "NO (" + m.expected_diagnosis + ")"});
  }
  std::array<std::size_t, 6> width{};
  for (const auto& row : rows)
    for (std::size_t k = 0; k < row.size(); ++k) width[k] = std::max(width[k], row[k].size());
  out << "\nmutants: " << mutants.size() << '\n';
  for (const auto& row : rows) {
    out << "  ";
    for (std::size_t k = 0; k + 1 < row.size(); ++k) out << pad(row[k], width[k]) << "  ";
    out << row.back() << '\n';
  }
}

void write(std::ostream& out, const RunResult& run, bool quiet) {
  out << verdict(run) << '\n';
  if (quiet) return;
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    const CaseResult& result = run.cases[i];
    out << "\ncase " << i + 1 << "/" << run.cases.size() << ": " << one_line(result.source)
        << " on " << describe(result.c) << ", " << to_string(result.scheme) << " differences";
    if (const std::string words = detail::numeric_words(result); !words.empty())
      out << " (" << words << ")";
    out << '\n';
    if (result.source_error)
      out << "  the code under test failed: " << indented(*result.source_error, "    ") << '\n';
    if (result.unsupported) {
      out << "  skipped: the code does not handle this case: "
          << indented(*result.unsupported, "    ") << '\n';
      continue;
    }
    case_table(out, result);
    if (result.cost) out << "  " << detail::cost_line(*result.cost) << '\n';
    fast_line(out, result.fast, false);
    localized(out, result);
    if (result.diagnosis)
      out << "  diagnosis [" << one_line(result.diagnosis->id)
          << "]: " << indented(result.diagnosis->message, "    ") << '\n';
    if (!result.passed() && !result.c.replay.empty())
      out << "  replay: " << replay_command(run, result.c) << '\n';
  }
  for (const CampaignResult& c : run.campaigns) {
    out << "\ncampaign: " << one_line(c.source) << ", seed " << c.seed;
    if (c.shard.count > 1) out << ", shard " << c.shard.index + 1 << "/" << c.shard.count;
    out << ", " << c.cases_run << " of " << c.cases_planned << " case(s) run, " << c.kink_entries
        << " entries at relu kinks";
    if (c.kink_unverified)
      out << " (" << c.kink_unverified
          << " of them outside the one-sided bracket, unverified but not failed: several units "
             "crossed 0 at once, and every mix of their sides is a valid subgradient)";
    if (c.borderline_settled)
      out << ", borderline entries settled by their convergence order: " << c.borderline_settled;
    out << '\n';
    if (const std::string words = detail::declared_words(c.declared); !words.empty())
      out << "  declared by the code (drawn only inside it): " << words << '\n';
    if (const std::string words = detail::skipped_words(c); !words.empty())
      out << "  " << words << '\n';
    if (c.mostly_refused()) {
      out << "  stopped: " << detail::refused_words(c) << ":\n";
      for (const std::string& hint : c.refusal_hints) out << "    " << hint << '\n';
    }
    fast_line(out, c.fast, true);
    if (c.misbehaviour)
      out << "  the code under test misbehaved: " << indented(*c.misbehaviour, "  ") << '\n';
    if (c.failure) failure_block(out, run, c);
    if (!c.quantities.empty()) {
      out << "  worst relative difference per quantity (in the convention each case matched):";
      for (const QuantitySummary& q : c.quantities)
        out << ' ' << q.name << '=' << detail::worst_rel_diff(q, "%.1e");
      out << '\n';
    }
  }
  if (!run.mutants.empty()) mutant_table(out, run.mutants);
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::ostream& out, Options options)
    : out_(out), options_(options) {}

void ConsoleReporter::report(const RunResult& run) {
  // Text from the code under test (its stderr, its error replies) reaches a terminal here:
  // control characters are shown, never obeyed.
  std::ostringstream text;
  write(text, run, options_.quiet);
  out_ << detail::terminal_safe(text.str());
}

}  // namespace gradfuzz

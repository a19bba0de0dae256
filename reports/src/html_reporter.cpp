#include "gradfuzz/reports/html_reporter.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "gradfuzz/version.hpp"
#include "text.hpp"
#include "xml_writer.hpp"

namespace gradfuzz {
namespace {

using detail::format;

std::string esc(std::string_view s) {
  return detail::XmlWriter::escape(s);
}

constexpr const char* kStyle = R"(
:root { --pass: #1a7f37; --fail: #c62828; --ink: #1f2328; --muted: #59636e; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
header.verdict { border-left: 8px solid; padding: .6rem 1rem; margin-bottom: 1rem; }
header.pass { border-color: var(--pass); background: #eef8f0; }
header.fail { border-color: var(--fail); background: #fdeeee; }
header h1 { margin: 0; font-size: 1.6rem; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 1.2rem 0 .4rem; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .25rem .55rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, monospace; }
.ok { color: var(--pass); font-weight: 600; } .bad { color: var(--fail); font-weight: 600; }
.diagnosis { font-size: 1.05rem; background: #fff8e1; border: 1px solid #f0d98c; padding: .6rem .9rem; }
.diagnosis code { font-weight: 700; }
pre.replay { background: #f6f8fa; border: 1px solid var(--line); padding: .6rem; white-space: pre-wrap;
             word-break: break-all; margin: 0; }
.replay-box { display: flex; gap: .5rem; align-items: flex-start; }
button.copy { font: inherit; padding: .3rem .8rem; cursor: pointer; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; } figcaption { font-size: .85rem; color: var(--muted); }
.muted { color: var(--muted); }
@media print { button.copy { display: none; } body { max-width: none; padding: 0; }
               section.failure { break-inside: avoid-page; } }
)";

constexpr const char* kScript = R"(
document.querySelectorAll('button.copy').forEach(function (b) {
  b.addEventListener('click', function () {
    var text = document.getElementById(b.dataset.target).textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { b.textContent = 'Copied'; });
  });
});
)";

// Colour of a relative error on a log scale: 1e-12 and below green, 1 red.
std::string heat(double rel) {
  if (!std::isfinite(rel)) return "#6a1b9a";
  const double t = std::clamp((std::log10(std::max(rel, 1e-16)) + 12.0) / 12.0, 0.0, 1.0);
  const int r = static_cast<int>(40 + 200 * t), g = static_cast<int>(170 - 130 * t), b = 60;
  return "rgb(" + std::to_string(r) + "," + std::to_string(g) + "," + std::to_string(b) + ")";
}

double entry_rel(double g, double n) {
  if (!std::isfinite(g) || !std::isfinite(n)) return HUGE_VAL;
  const double scale = std::max(std::abs(g), std::abs(n));
  return scale > 0 ? std::abs(g - n) / scale : 0.0;
}

std::string heatmap(const QuantityCheck& q) {
  if (!q.shape_ok() || q.claimed.is_empty() || q.numeric.is_empty()) return "";
  // Large matrices are pooled (maximum error per block) to at most 48 x 48 cells.
  const arma::uword rows = q.claimed.n_rows, cols = q.claimed.n_cols;
  const arma::uword br = (rows + 47) / 48, bc = (cols + 47) / 48;
  const arma::uword R = (rows + br - 1) / br, C = (cols + bc - 1) / bc;
  const int cell = static_cast<int>(std::clamp<arma::uword>(240 / std::max(R, C), 6, 36));
  std::ostringstream svg;
  const int w = static_cast<int>(C) * cell, h = static_cast<int>(R) * cell;
  svg << "<svg class=\"heatmap\" role=\"img\" aria-label=\"relative error of " << q.quantity.name()
      << "\" width=\"" << w + 2 << "\" height=\"" << h + 2 << "\" viewBox=\"-1 -1 " << w + 2 << ' '
      << h + 2 << "\" xmlns=\"http://www.w3.org/2000/svg\">";
  for (arma::uword i = 0; i < R; ++i)
    for (arma::uword j = 0; j < C; ++j) {
      double worst = 0;
      arma::uword wi = i * br, wj = j * bc;
      for (arma::uword a = i * br; a < std::min(rows, (i + 1) * br); ++a)
        for (arma::uword b = j * bc; b < std::min(cols, (j + 1) * bc); ++b) {
          const double e = entry_rel(q.claimed(a, b), q.numeric(a, b));
          if (e > worst || !std::isfinite(e)) {
            worst = e;
            wi = a;
            wj = b;
          }
        }
      svg << "<rect x=\"" << j * cell << "\" y=\"" << i * cell << "\" width=\"" << cell
          << "\" height=\"" << cell << "\" fill=\"" << heat(worst) << "\" stroke=\"#fff\">"
          << "<title>" << q.quantity.name() << "(" << wi << "," << wj << "): claimed "
          << format("%.6g", q.claimed(wi, wj)) << ", numeric " << format("%.6g", q.numeric(wi, wj))
          << ", relative error " << format("%.2e", worst) << "</title></rect>";
    }
  svg << "</svg>";
  return svg.str();
}

std::string network(const Case& c) {
  const int L = c.depth();
  const int box_w = 118, gap = 34, h = 92;
  const int width = (L + 1) * box_w + L * gap + 2;
  std::ostringstream svg;
  svg << "<svg class=\"network\" role=\"img\" aria-label=\"the network\" width=\"" << width
      << "\" height=\"" << h << "\" viewBox=\"0 0 " << width << ' ' << h
      << "\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\" "
         "font-size=\"12\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
         "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
         "fill=\"#59636e\"/></marker></defs>";
  for (int l = 0; l <= L; ++l) {
    const int x = 1 + l * (box_w + gap);
    const std::string n = std::to_string(c.spec.n(l));
    svg << "<rect x=\"" << x << "\" y=\"8\" width=\"" << box_w << "\" height=\"" << h - 16
        << "\" rx=\"8\" fill=\"" << (l == 0 ? "#eef2f7" : "#f6f8fa") << "\" stroke=\"#8c959f\"/>";
    auto line = [&](int dy, const std::string& text, bool bold = false) {
      svg << "<text x=\"" << x + box_w / 2 << "\" y=\"" << 8 + dy << "\" text-anchor=\"middle\""
          << (bold ? " font-weight=\"700\"" : "") << ">" << esc(text) << "</text>";
    };
    if (l == 0) {
      line(24, "X (A0)", true);
      line(42, "n0 = " + n);
      line(60, n + " x " + std::to_string(c.m()));
    } else {
      const std::string ls = std::to_string(l);
      line(22, "layer " + ls + ": " + std::string(to_string(c.spec.g(l))), true);
      line(40, "n" + ls + " = " + n);
      line(56, "W" + ls + " " + n + " x " + std::to_string(c.spec.n(l - 1)));
      line(72, "Z" + ls + ", A" + ls + " " + n + " x " + std::to_string(c.m()));
    }
    if (l < L)
      svg << "<line x1=\"" << x + box_w << "\" y1=\"" << h / 2 << "\" x2=\"" << x + box_w + gap - 2
          << "\" y2=\"" << h / 2 << "\" stroke=\"#59636e\" marker-end=\"url(#arrow)\"/>";
  }
  svg << "</svg>";
  return svg.str();
}

std::string convergence_plot(const QuantityCheck& q) {
  std::vector<std::pair<double, double>> points;  // log10 h, log10 error
  for (const auto& p : q.convergence)
    if (p.step > 0 && std::isfinite(p.error))
      points.emplace_back(std::log10(p.step), std::log10(std::max(p.error, 1e-300)));
  if (points.size() < 2) return "";
  double x0 = points.front().first, x1 = x0, y0 = points.front().second, y1 = y0;
  for (auto [x, y] : points) {
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  y0 = std::floor(std::max(y0, y1 - 18)), y1 = std::ceil(y1 + 0.5);
  const double W = 360, H = 220, left = 52, bottom = 34, top = 10, right = 10;
  auto sx = [&](double x) { return left + (x - x0) / (x1 - x0) * (W - left - right); };
  auto sy = [&](double y) { return top + (y1 - std::max(y, y0)) / (y1 - y0) * (H - top - bottom); };
  std::ostringstream svg;
  svg << "<svg class=\"convergence\" role=\"img\" aria-label=\"convergence of " << q.quantity.name()
      << "\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W << ' ' << H
      << "\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\" "
         "font-size=\"11\">";
  svg << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << W - left - right
      << "\" height=\"" << H - top - bottom << "\" fill=\"none\" stroke=\"#8c959f\"/>";
  for (int e = static_cast<int>(std::ceil(x0)); e <= static_cast<int>(std::floor(x1)); e += 2)
    svg << "<text x=\"" << sx(e) << "\" y=\"" << H - bottom + 14 << "\" text-anchor=\"middle\">1e"
        << e << "</text>";
  const int ystep = std::max(1, static_cast<int>((y1 - y0) / 6));
  for (int e = static_cast<int>(y0); e <= static_cast<int>(y1); e += ystep)
    svg << "<text x=\"" << left - 4 << "\" y=\"" << sy(e) + 4 << "\" text-anchor=\"end\">1e" << e
        << "</text>";
  svg << "<text x=\"" << (left + W - right) / 2 << "\" y=\"" << H - 4
      << "\" text-anchor=\"middle\">finite-difference step h</text>";
  // A slope-2 guide (central differences of a right gradient) through the coarsest point.
  const auto [gx, gy] = points.front();
  svg << "<line x1=\"" << sx(gx) << "\" y1=\"" << sy(gy) << "\" x2=\"" << sx(gx - 4) << "\" y2=\""
      << sy(gy - 8)
      << "\" stroke=\"#8c959f\" stroke-dasharray=\"4 3\"><title>slope 2: how the error "
      << "of a right gradient falls</title></line>";
  svg << "<polyline fill=\"none\" stroke=\"#c62828\" stroke-width=\"2\" points=\"";
  for (auto [x, y] : points) svg << sx(x) << ',' << sy(y) << ' ';
  svg << "\"/>";
  for (auto [x, y] : points)
    svg << "<circle cx=\"" << sx(x) << "\" cy=\"" << sy(y) << "\" r=\"2.5\" fill=\"#c62828\"/>";
  svg << "</svg>";
  return svg.str();
}

void checks_table(std::ostream& out, const CaseResult& r) {
  out << "<table><tr><th>quantity</th><th>shape</th><th>relative difference</th><th>convention "
         "(expected / matched)</th><th>failing entries</th><th>kinks</th><th>verdict</th></tr>";
  for (const QuantityCheck& q : r.checks)
    out << "<tr><td>" << q.quantity.name() << "</td><td>"
        << (q.shape_ok() ? to_string(q.claimed_shape)
                         : to_string(q.claimed_shape) + ", expected " + to_string(q.expected_shape))
        << "</td><td class=\"num\">" << format("%.2e", q.rel_diff) << "</td><td>"
        << to_string(q.expected) << " / "
        << (q.matched ? std::string(to_string(*q.matched)) : "none") << "</td><td class=\"num\">"
        << q.failing_entries << "</td><td class=\"num\">" << q.kink_entries << "</td><td class=\""
        << (q.passed ? "ok\">pass" : "bad\">FAIL") << "</td></tr>";
  out << "</table>";
}

void worst_entries(std::ostream& out, const CaseResult& r) {
  struct Row {
    std::string q;
    arma::uword i, j;
    double g, n, rel;
  };
  std::vector<Row> rows;
  for (const QuantityCheck* q : r.failures())
    if (q->shape_ok() && !q->claimed.is_empty() && !q->numeric.is_empty())
      for (arma::uword j = 0; j < q->claimed.n_cols; ++j)
        for (arma::uword i = 0; i < q->claimed.n_rows; ++i)
          rows.push_back({q->quantity.name(), i, j, q->claimed(i, j), q->numeric(i, j),
                          relative_error(q->claimed(i, j), q->numeric(i, j))});
  if (rows.empty()) return;
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return worse_error(a.rel, b.rel); });
  if (rows.size() > 12) rows.resize(12);
  out << "<h3>Claimed against numeric, worst entries</h3><table><tr><th>entry</th><th>claimed</th>"
         "<th>numeric (finite differences)</th><th>claimed / numeric</th><th>relative "
         "error</th></tr>";
  for (const Row& row : rows)
    out << "<tr><td>" << row.q << "(" << row.i << "," << row.j << ")</td><td class=\"num\">"
        << format("%.9g", row.g) << "</td><td class=\"num\">" << format("%.9g", row.n)
        << "</td><td class=\"num\">" << (row.n != 0 ? format("%.6g", row.g / row.n) : "-")
        << "</td><td class=\"num\">" << format("%.2e", row.rel) << "</td></tr>";
  out << "</table>";
}

void failure_section(std::ostream& out, const RunResult& run, const CaseResult& r,
                     const std::string& title, const std::string& found, int& ids) {
  out << "<section class=\"failure\"><h2>" << esc(title) << "</h2>";
  if (r.diagnosis) {
    out << "<p class=\"diagnosis\"><code>" << esc(r.diagnosis->id) << "</code> — "
        << esc(r.diagnosis->message) << "</p>";
    if (!r.diagnosis->probes.empty()) {
      out << "<table class=\"probes\"><caption>Probes: cases the diagnosis designed and asked "
             "the code about</caption><tr><th>probe</th><th>why</th><th>what the code's answer "
             "showed</th><th>ruled out</th><th>replay</th></tr>";
      for (const Probe& p : r.diagnosis->probes) {
        std::string ruled;
        for (const auto& h : p.contradicted) ruled += (ruled.empty() ? "" : ", ") + h;
        out << "<tr><td>" << esc(p.kind) << "</td><td>" << esc(p.purpose) << "</td><td>"
            << esc(p.outcome) << "</td><td>" << esc(ruled.empty() ? "-" : ruled)
            << "</td><td><code>" << esc(p.replay) << "</code></td></tr>";
      }
      out << "</table>";
    }
  }
  if (r.source_error)
    out << "<p class=\"diagnosis\">The code under test failed: " << esc(*r.source_error) << "</p>";
  if (!found.empty()) out << "<p class=\"muted\">" << esc(found) << "</p>";
  if (r.cost)
    out << "<p class=\"" << (r.cost->passed ? "ok" : "bad")
        << "\">Forward pass: " << esc(detail::cost_line(*r.cost)) << "</p>";
  if (const std::string words = detail::numeric_words(r); !words.empty())
    out << "<p class=\"muted\">Finite differences: " << esc(words) << ".</p>";
  out << "<h3>The smallest failing network</h3><p>" << esc(detail::describe(r.c)) << "</p>"
      << network(r.c);
  const std::string id = "replay-" + std::to_string(++ids);
  out << "<h3>Replay</h3><div class=\"replay-box\"><pre class=\"replay\" id=\"" << id << "\">"
      << esc(detail::replay_command(run, r.c)) << "</pre><button class=\"copy\" data-target=\""
      << id << "\">Copy</button></div>";
  if (!r.checks.empty()) {
    out << "<h3>Every quantity</h3>";
    checks_table(out, r);
    out << "<h3>Relative error per entry</h3><p class=\"muted\">green: agrees to 1e-12 or better; "
           "red: disagrees entirely; hover a cell for its numbers.</p><div class=\"figures\">";
    for (const QuantityCheck& q : r.checks) {
      const std::string map = heatmap(q);
      if (!map.empty())
        out << "<figure>" << map << "<figcaption>" << q.quantity.name() << " "
            << to_string(q.claimed_shape) << (q.passed ? "" : " — fails")
            << "</figcaption></figure>";
    }
    out << "</div>";
    worst_entries(out, r);
    bool any = false;
    for (const QuantityCheck* q : r.failures()) {
      const std::string plot = convergence_plot(*q);
      if (plot.empty()) continue;
      if (!any)
        out << "<h3>Convergence of the worst entries</h3><p class=\"muted\">|claimed − central "
               "difference| against the step h. A right gradient's error falls along the dashed "
               "slope 2 until rounding takes over; a wrong one flattens at the size of the "
               "mistake.</p><div class=\"figures\">";
      any = true;
      out << "<figure>" << plot << "<figcaption>" << q->quantity.name()
          << detail::entry_name(q->worst);
      if (q->convergence_verdict)
        out << ": observed order " << format("%.2f", q->convergence_order) << ", "
            << to_string(*q->convergence_verdict);
      out << "</figcaption></figure>";
    }
    if (any) out << "</div>";
  }
  out << "</section>";
}

}  // namespace

void HtmlReporter::report(const RunResult& run) {
  const bool passed = run.passed();
  const std::string verdict = detail::verdict(run);
  out_ << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       << "<title>" << esc(verdict) << "</title><style>" << kStyle << "</style></head><body>";
  out_ << "<header class=\"verdict " << (passed ? "pass" : "fail") << "\"><h1>"
       << (run.misbehaved() ? "ERROR"
           : passed         ? "PASSED"
                            : "FAILED")
       << "</h1><p id=\"verdict\">" << esc(verdict) << "</p></header>";
  out_ << "<section class=\"settings\"><table>"
       << "<tr><th>command</th><td>gradfuzz " << esc(run.command) << "</td></tr>"
       << "<tr><th>source</th><td>" << esc(run.source_args) << "</td></tr>"
       << "<tr><th>seed</th><td>" << run.seed << "</td></tr>"
       << "<tr><th>cases checked</th><td>" << run.cases_run() << "</td></tr>"
       << "<tr><th>entries at relu kinks</th><td>" << run.kink_entries() << "</td></tr>"
       << "<tr><th>gradfuzz</th><td>" << kVersion << "</td></tr></table></section>";
  int ids = 0;
  for (const CampaignResult& c : run.campaigns) {
    if (c.misbehaviour)
      out_ << "<section class=\"failure\"><h2>The code under test misbehaved</h2><p "
              "class=\"diagnosis\">"
           << esc(*c.misbehaviour) << "</p></section>";
    if (c.failure)
      failure_section(
          out_, run, c.failure->shrunk,
          "Failure in " + c.source +
              (c.failure->shrunk.diagnosis ? ": " + c.failure->shrunk.diagnosis->id : ""),
          "First seen at " + detail::case_of(c, c.failure->case_number) + " (" +
              detail::describe(c.failure->found.c) + "), shrunk in " +
              std::to_string(c.failure->shrink_steps) + " steps.",
          ids);
  }
  for (std::size_t i = 0; i < run.cases.size(); ++i)
    if (!run.cases[i].passed())
      failure_section(out_, run, run.cases[i], "Case " + std::to_string(i + 1) + " failed", "",
                      ids);
  for (const CampaignResult& c : run.campaigns) {
    out_ << "<section class=\"summary\"><h2>Campaign: " << esc(c.source) << "</h2><p>seed "
         << c.seed << ", " << c.cases_run << " of " << c.cases_planned << " cases run, "
         << c.kink_entries << " entries at relu kinks.</p>";
    if (const std::string words = detail::declared_words(c.declared); !words.empty())
      out_ << "<p class=\"declared\">Declared by the code (drawn only inside it): " << esc(words)
           << ".</p>";
    if (const std::string words = detail::skipped_words(c); !words.empty())
      out_ << "<p class=\"skipped\">" << esc(words) << "</p>";
    if (c.mostly_refused()) {
      out_ << "<p class=\"refused\"><b>Stopped:</b> " << esc(detail::refused_words(c))
           << ":</p><ul>";
      for (const std::string& hint : c.refusal_hints) out_ << "<li>" << esc(hint) << "</li>";
      out_ << "</ul>";
    }
    if (c.fast)
      out_ << "<p class=\"fast\">Fast mode, " << esc(detail::fast_campaign_statement(*c.fast))
           << ".</p>";
    if (!c.quantities.empty()) {
      out_ << "<table><tr><th>quantity</th><th>cases</th><th>worst relative "
              "difference</th><th>failures</th></tr>";
      for (const QuantitySummary& q : c.quantities)
        out_ << "<tr><td>" << q.name << "</td><td class=\"num\">" << q.cases
             << "</td><td class=\"num\">" << esc(detail::worst_rel_diff(q, "%.2e"))
             << "</td><td class=\"num\">" << q.failures << "</td></tr>";
      out_ << "</table>";
    }
    out_ << "</section>";
  }
  if (!run.cases.empty()) {
    out_ << "<section class=\"summary\"><h2>Single cases</h2><table><tr><th>#</th><th>network</th>"
            "<th>scheme</th><th>worst relative difference</th><th>verdict</th></tr>";
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
      const CaseResult& r = run.cases[i];
      double worst = 0;
      for (const auto& q : r.checks) worst = std::max(worst, q.rel_diff);
      out_ << "<tr><td>" << i + 1 << "</td><td>" << esc(detail::describe(r.c)) << "</td><td>"
           << to_string(r.scheme) << "</td><td class=\"num\">" << format("%.2e", worst)
           << "</td><td class=\"" << (r.passed() ? "ok\">pass" : "bad\">FAIL") << "</td></tr>";
    }
    out_ << "</table></section>";
  }
  if (!run.mutants.empty()) {
    out_ << "<section class=\"summary\"><h2>Mutants</h2><table><tr><th>mutant</th><th>the bug</th>"
            "<th>caught at case</th><th>shrunk to</th><th>diagnosis</th><th>expected</th></tr>";
    for (const MutantOutcome& m : run.mutants)
      out_ << "<tr><td>" << esc(m.name) << "</td><td>" << esc(m.description)
           << "</td><td class=\"num\">"
           << (m.caught() ? std::to_string(m.campaign.failure->case_number) : "-") << "</td><td>"
           << (m.caught() ? esc(detail::describe(m.campaign.failure->shrunk.c)) : "") << "</td><td>"
           << esc(m.diagnosis_id()) << "</td><td class=\""
           << (m.diagnosed_as_expected() ? "ok" : "bad") << "\">" << esc(m.expected_diagnosis)
           << "</td></tr>";
    out_ << "</table></section>";
  }
  out_ << "<footer class=\"muted\"><p>gradfuzz " << kVersion << "</p></footer><script>" << kScript
       << "</script></body></html>\n";
}

}  // namespace gradfuzz

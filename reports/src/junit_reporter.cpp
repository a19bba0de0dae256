#include "gradfuzz/reports/junit_reporter.hpp"

#include <sstream>

#include "text.hpp"
#include "xml_writer.hpp"

namespace gradfuzz {
namespace {

using detail::XmlWriter;

std::string failure_text(const RunResult& run, const CaseResult& shrunk, const QuantityCheck* q) {
  std::ostringstream text;
  if (shrunk.diagnosis)
    text << "[" << shrunk.diagnosis->id << "] " << shrunk.diagnosis->message << "\n";
  if (shrunk.source_error) text << "the code under test failed: " << *shrunk.source_error << "\n";
  if (!q && shrunk.cost && !shrunk.cost->passed) text << detail::cost_line(*shrunk.cost) << "\n";
  if (q) {
    if (!q->shape_ok())
      text << q->quantity.name() << " is " << to_string(q->claimed_shape) << ", expected "
           << to_string(q->expected_shape) << "\n";
    else
      text << q->quantity.name() << detail::entry_name(q->worst) << ": claimed "
           << detail::format("%.17g", q->worst.claimed) << ", numeric "
           << detail::format("%.17g", q->worst.numeric) << ", relative difference "
           << detail::format("%.3g", q->rel_diff) << "\n";
  }
  text << "smallest failing case: " << detail::describe(shrunk.c) << "\n"
       << "replay: " << detail::replay_command(run, shrunk.c) << "\n";
  return text.str();
}

void failure(XmlWriter& xml, const RunResult& run, const CaseResult& shrunk,
             const QuantityCheck* q) {
  XmlWriter::Element f(xml, "failure");
  f.attribute("type", shrunk.diagnosis ? shrunk.diagnosis->id : "discrepancy");
  f.attribute("message", shrunk.diagnosis ? shrunk.diagnosis->message : "gradient mismatch");
  f.text(failure_text(run, shrunk, q));
}

void properties(XmlWriter& xml, const std::vector<std::pair<std::string, std::string>>& items) {
  XmlWriter::Element p(xml, "properties");
  for (const auto& [name, value] : items) {
    XmlWriter::Element(xml, "property").attribute("name", name).attribute("value", value);
  }
}

void campaign_suite(XmlWriter& xml, const RunResult& run, const CampaignResult& c,
                    const std::string& name) {
  const CaseResult* shrunk = c.failure ? &c.failure->shrunk : nullptr;
  std::size_t failures = 0;
  for (const auto& q : c.quantities) {
    bool failed = shrunk && q.name == "cost" && shrunk->cost && !shrunk->cost->passed;
    if (shrunk)
      for (const auto* bad : shrunk->failures()) failed = failed || bad->quantity.name() == q.name;
    failures += failed ? 1 : 0;
  }
  const bool source_failed = shrunk && shrunk->source_error;
  XmlWriter::Element suite(xml, "testsuite");
  suite.attribute("name", name)
      .attribute("tests",
                 std::to_string(c.quantities.size() + (c.misbehaviour || source_failed ? 1 : 0) +
                                c.skips.size() + (c.mostly_refused() ? 1 : 0)))
      .attribute("failures", std::to_string(failures + (source_failed ? 1 : 0)))
      .attribute("errors", std::to_string((c.misbehaviour ? 1 : 0) + (c.mostly_refused() ? 1 : 0)))
      .attribute("skipped", std::to_string(c.skips.size()))
      .attribute("time", "0");
  std::vector<std::pair<std::string, std::string>> props{
      {"seed", std::to_string(c.seed)},
      {"shard", std::to_string(c.shard.index + 1) + "/" + std::to_string(c.shard.count)},
      {"cases_run", std::to_string(c.cases_run)},
      {"kink_entries", std::to_string(c.kink_entries)}};
  if (shrunk) props.emplace_back("replay", detail::replay_command(run, shrunk->c));
  if (c.fast) props.emplace_back("fast_mode", c.fast->statement());
  if (const std::string words = detail::declared_words(c.declared); !words.empty())
    props.emplace_back("declared", words);
  if (c.cases_skipped) props.emplace_back("cases_skipped", std::to_string(c.cases_skipped));
  properties(xml, props);
  for (const QuantitySummary& q : c.quantities) {
    XmlWriter::Element test(xml, "testcase");
    test.attribute("classname", "gradfuzz." + c.source)
        .attribute("name", q.name)
        .attribute("time", "0");
    if (shrunk && q.name == "cost" && shrunk->cost && !shrunk->cost->passed)
      failure(xml, run, *shrunk, nullptr);
    if (shrunk)
      for (const QuantityCheck* bad : shrunk->failures())
        if (bad->quantity.name() == q.name) failure(xml, run, *shrunk, bad);
  }
  if (source_failed) {
    XmlWriter::Element test(xml, "testcase");
    test.attribute("classname", "gradfuzz." + c.source)
        .attribute("name", "runs")
        .attribute("time", "0");
    failure(xml, run, *shrunk, nullptr);
  }
  for (const SkipReason& s : c.skips) {  // one skipped testcase per reason
    XmlWriter::Element test(xml, "testcase");
    test.attribute("classname", "gradfuzz." + c.source)
        .attribute("name", "refused: " + s.reason)
        .attribute("time", "0");
    XmlWriter::Element(xml, "skipped")
        .attribute("message", std::to_string(s.cases) + " case(s) refused by the code, first " +
                                  detail::describe(s.example) + ": " + s.reason);
  }
  if (c.mostly_refused()) {
    XmlWriter::Element test(xml, "testcase");
    test.attribute("classname", "gradfuzz." + c.source)
        .attribute("name", "cases refused")
        .attribute("time", "0");
    std::string text = detail::refused_words(c) + ":";
    for (const std::string& hint : c.refusal_hints) text += "\n  " + hint;
    XmlWriter::Element error(xml, "error");
    error.attribute("type", "refused").attribute("message", detail::refused_words(c)).text(text);
  }
  if (c.misbehaviour) {
    XmlWriter::Element test(xml, "testcase");
    test.attribute("classname", "gradfuzz." + c.source)
        .attribute("name", "protocol")
        .attribute("time", "0");
    XmlWriter::Element error(xml, "error");
    error.attribute("type", "misbehaviour")
        .attribute("message", *c.misbehaviour)
        .text(*c.misbehaviour);
  }
}

}  // namespace

void JunitReporter::report(const RunResult& run) {
  XmlWriter xml(out_);
  XmlWriter::Element root(xml, "testsuites");
  root.attribute("name", "gradfuzz " + run.command);
  if (!run.cases.empty()) {
    std::size_t tests = 0, failures = 0, skipped = 0;
    for (const auto& r : run.cases) {
      skipped += r.skipped() ? 1 : 0;
      tests +=
          r.checks.size() + (r.source_error ? 1 : 0) + (r.cost ? 1 : 0) + (r.skipped() ? 1 : 0);
      failures +=
          r.failures().size() + (r.source_error ? 1 : 0) + (r.cost && !r.cost->passed ? 1 : 0);
    }
    XmlWriter::Element suite(xml, "testsuite");
    suite.attribute("name", "gradfuzz " + run.command + ": cases")
        .attribute("tests", std::to_string(tests))
        .attribute("failures", std::to_string(failures))
        .attribute("errors", "0")
        .attribute("skipped", std::to_string(skipped))
        .attribute("time", "0");
    properties(xml, {{"seed", std::to_string(run.seed)}});
    for (std::size_t i = 0; i < run.cases.size(); ++i) {
      const CaseResult& r = run.cases[i];
      const std::string prefix = "case " + std::to_string(i + 1) + " (" + detail::describe(r.c) +
                                 ", " + std::string(to_string(r.scheme)) + ") ";
      for (const QuantityCheck& q : r.checks) {
        XmlWriter::Element test(xml, "testcase");
        test.attribute("classname", "gradfuzz." + r.source)
            .attribute("name", prefix + q.quantity.name())
            .attribute("time", "0");
        if (!q.passed) failure(xml, run, r, &q);
      }
      if (r.cost) {
        XmlWriter::Element test(xml, "testcase");
        test.attribute("classname", "gradfuzz." + r.source)
            .attribute("name", prefix + "cost")
            .attribute("time", "0");
        if (!r.cost->passed) failure(xml, run, r, nullptr);
      }
      if (r.source_error) {
        XmlWriter::Element test(xml, "testcase");
        test.attribute("classname", "gradfuzz." + r.source)
            .attribute("name", prefix + "runs")
            .attribute("time", "0");
        failure(xml, run, r, nullptr);
      }
      if (r.unsupported) {
        XmlWriter::Element test(xml, "testcase");
        test.attribute("classname", "gradfuzz." + r.source)
            .attribute("name", prefix + "runs")
            .attribute("time", "0");
        XmlWriter::Element(xml, "skipped")
            .attribute("message", "the code does not handle this case: " + *r.unsupported);
      }
    }
  }
  for (const CampaignResult& c : run.campaigns)
    campaign_suite(xml, run, c, "gradfuzz " + run.command + ": " + c.source);
  if (!run.mutants.empty()) {
    std::size_t missed = 0;
    for (const auto& m : run.mutants) missed += m.diagnosed_as_expected() ? 0 : 1;
    XmlWriter::Element suite(xml, "testsuite");
    suite.attribute("name", "gradfuzz " + run.command + ": mutants")
        .attribute("tests", std::to_string(run.mutants.size()))
        .attribute("failures", std::to_string(missed))
        .attribute("errors", "0")
        .attribute("skipped", "0")
        .attribute("time", "0");
    properties(xml, {{"seed", std::to_string(run.seed)}});
    for (const MutantOutcome& m : run.mutants) {
      XmlWriter::Element test(xml, "testcase");
      test.attribute("classname", "gradfuzz.mutants")
          .attribute("name", m.name)
          .attribute("time", "0");
      if (!m.diagnosed_as_expected()) {
        XmlWriter::Element f(xml, "failure");
        const std::string why =
            m.caught() ? "caught but diagnosed as " + m.diagnosis_id() + ", expected " +
                             m.expected_diagnosis
                       : "not caught in " + std::to_string(m.campaign.cases_run) + " cases";
        f.attribute("type", "selftest").attribute("message", why).text(why + "\n" + m.description);
      }
    }
  }
}

}  // namespace gradfuzz

// Golden files for every format, the JSON round trip, and valid XML for hostile text.
// GRADFUZZ_UPDATE_GOLDEN=1 rewrites the golden files (review the diff before committing).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gradfuzz/reports/console_reporter.hpp"
#include "gradfuzz/reports/html_reporter.hpp"
#include "gradfuzz/reports/json_reporter.hpp"
#include "gradfuzz/reports/junit_reporter.hpp"
#include "gradfuzz/reports/markdown_reporter.hpp"
#include "gradfuzz/reports/results_file.hpp"
#include "gradfuzz/version.hpp"
#include "sample_run.hpp"
#include "xml_writer.hpp"

namespace gradfuzz {
namespace {

std::string render(Reporter&& reporter, std::ostringstream& out, const RunResult& run) {
  reporter.report(run);
  std::string text = out.str();
  // Normalise what changes between releases.
  for (std::size_t at; (at = text.find(kVersion)) != std::string::npos;)
    text.replace(at, std::string(kVersion).size(), "VERSION");
  return text;
}

void expect_golden(const std::string& name, const std::string& text) {
  const std::string path = std::string(GOLDEN_DIR) + "/" + name;
  if (std::getenv("GRADFUZZ_UPDATE_GOLDEN")) {
    std::ofstream(path) << text;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with GRADFUZZ_UPDATE_GOLDEN=1)";
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(text, golden.str()) << "output differs from " << path;
}

TEST(Reporters, ConsoleMatchesGolden) {
  std::ostringstream out;
  expect_golden("console.txt", render(ConsoleReporter(out, {}), out, checks::sample_run()));
}

TEST(Reporters, JsonMatchesGolden) {
  std::ostringstream out;
  expect_golden("report.json", render(JsonReporter(out), out, checks::sample_run()));
}

TEST(Reporters, JunitMatchesGolden) {
  std::ostringstream out;
  expect_golden("report.xml", render(JunitReporter(out), out, checks::sample_run()));
}

TEST(Reporters, MarkdownMatchesGolden) {
  std::ostringstream out;
  expect_golden("report.md", render(MarkdownReporter(out), out, checks::sample_run()));
}

TEST(Reporters, HtmlMatchesGolden) {
  std::ostringstream out;
  expect_golden("report.html", render(HtmlReporter(out), out, checks::sample_run()));
}

TEST(Reporters, EveryFormatStatesWhatAFastCampaignCouldMiss) {
  RunResult run = checks::sample_run();
  FastSummary fast;
  fast.directions = 6;
  fast.miss_probability = 1e-6;
  fast.tolerance = 1e-9;
  fast.threshold = 2.66e-4;
  fast.relative_threshold = 2.64e-5;
  fast.cost_evaluations = 252;
  run.campaigns.front().fast = fast;
  const std::string statement = fast.statement();
  ASSERT_NE(statement.find("missed with probability below 1e-06 (6 random directions)"),
            std::string::npos)
      << statement;
  // In HTML and XML the apostrophe of "gradient's" is escaped.
  std::string escaped = statement;
  for (std::size_t at; (at = escaped.find('\'')) != std::string::npos;)
    escaped.replace(at, 1, "&apos;");
  std::ostringstream console, html, markdown, junit, json;
  EXPECT_NE(render(ConsoleReporter(console, {}), console, run).find(statement), std::string::npos);
  EXPECT_NE(render(HtmlReporter(html), html, run).find("Fast mode, weakest case: " + escaped),
            std::string::npos);
  EXPECT_NE(render(MarkdownReporter(markdown), markdown, run)
                .find("Fast mode, weakest case: " + statement),
            std::string::npos);
  EXPECT_NE(render(JunitReporter(junit), junit, run)
                .find("<property name=\"fast_mode\" value=\"" + escaped + "\""),
            std::string::npos);
  EXPECT_NE(render(JsonReporter(json), json, run).find("\"miss_probability\""), std::string::npos);
}

TEST(Reporters, TheConsoleShowsControlCharactersFromTheCodeUnderTestWithoutObeyingThem) {
  RunResult run = checks::sample_run();
  run.campaigns.front().misbehaviour =
      "exited with status 1\n    its stderr ended with:\n      | \x1b[2J\x1b[31mboom\r\x07\x7f";
  std::ostringstream out;
  const std::string text = render(ConsoleReporter(out, {}), out, run);
  EXPECT_NE(text.find("its stderr ended with:\n      | \\x1b[2J\\x1b[31mboom\\x0d\\x07\\x7f"),
            std::string::npos)
      << text;
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    EXPECT_TRUE(byte >= 0x20 || ch == '\n' || ch == '\t') << "control byte " << int(byte);
    EXPECT_NE(byte, 0x7f);
  }
}

// The mutant table's columns are as wide as their longest cell: a long network does not push
// its row's diagnosis out of line.
TEST(Reporters, TheMutantTableLinesUpWhateverTheNetwork) {
  RunResult run = checks::sample_run();
  Case& shrunk = run.mutants.front().campaign.failure->shrunk.c;
  shrunk.spec.sizes = {1, 1, 1, 1, 1, 1, 1};
  shrunk.spec.activations.assign(6, Activation::leaky_relu);
  shrunk.spec.activations.back() = Activation::sigmoid;
  shrunk.spec.leaky_slope = 0.3;
  shrunk.spec.lambda = 1.5;
  std::ostringstream out;
  const std::string text = render(ConsoleReporter(out, {}), out, run);
  const std::string table = text.substr(text.find("\nmutants: ") + 1);
  std::istringstream lines(table);
  std::string line, header;
  std::getline(lines, line);  // "mutants: 2"
  std::getline(lines, header);
  const std::size_t column = header.find("diagnosis");
  ASSERT_NE(column, std::string::npos);
  for (const char* row : {"no_inv_m", "l2_missing"}) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line.find(row), 2u) << line;
    EXPECT_EQ(line[column - 1], ' ') << line;
    EXPECT_NE(line[column], ' ') << "the diagnosis column starts at " << column << ":\n"
                                 << header << '\n'
                                 << line;
  }
}

// A passing campaign with unverified kink entries says why they are no failure.
TEST(Reporters, UnverifiedKinkEntriesAreExplained) {
  RunResult run = checks::sample_run();
  run.campaigns.front().kink_unverified = 2;
  std::ostringstream out;
  const std::string text = render(ConsoleReporter(out, {}), out, run);
  EXPECT_NE(text.find("4 entries at relu kinks (2 of them outside the one-sided bracket, "
                      "unverified but not failed: several units crossed 0 at once, and every "
                      "mix of their sides is a valid subgradient)"),
            std::string::npos)
      << text;
}

// A campaign of which the code refused more than half: every format says it stopped, why, and
// which hello fields would describe the code; the verdict is STOPPED, not FAILED.
TEST(Reporters, EveryFormatSaysACampaignWasMostlyRefusedAndWhatWouldDescribeTheCode) {
  RunResult run = checks::sample_run();
  run.cases.clear();
  run.mutants.clear();
  CampaignResult& c = run.campaigns.front();
  c.failure.reset();
  c.cases_run = 10;
  c.cases_skipped = 101;
  c.refusal_hints = {"depth: it answered for depth 3 and refused 1, 2"};
  ASSERT_TRUE(c.mostly_refused());
  ASSERT_TRUE(run.refused());
  ASSERT_FALSE(run.found_wrong());
  std::ostringstream console, markdown, html, junit, json;
  const std::string text = render(ConsoleReporter(console, {}), console, run);
  EXPECT_EQ(text.rfind("gradfuzz check: STOPPED: no_inv_m refused 101 of 111 cases drawn", 0), 0u)
      << text;
  for (const std::string& out :
       {text, render(MarkdownReporter(markdown), markdown, run),
        render(HtmlReporter(html), html, run), render(JunitReporter(junit), junit, run)}) {
    EXPECT_NE(out.find("refused 101 of the 111 cases drawn, more than half"), std::string::npos)
        << out;
    EXPECT_NE(out.find("depth: it answered for depth 3 and refused 1, 2"), std::string::npos)
        << out;
    EXPECT_NE(out.find("too small"), std::string::npos) << "the skip reason\n" << out;
  }
  const std::string written = render(JsonReporter(json), json, run);
  std::istringstream in(written);
  const RunResult again = read_results(in, "refused.json");
  ASSERT_EQ(again.campaigns.size(), 1u);
  EXPECT_TRUE(again.campaigns[0].mostly_refused());
  EXPECT_EQ(again.campaigns[0].refusal_hints, c.refusal_hints);
  EXPECT_EQ(again.campaigns[0].declared, c.declared);
  ASSERT_EQ(again.campaigns[0].skips.size(), 1u);
  EXPECT_EQ(again.campaigns[0].skips[0].reason, c.skips[0].reason);
  EXPECT_EQ(again.campaigns[0].skips[0].example.replay, c.skips[0].example.replay);
}

TEST(Reporters, QuietConsoleIsTheVerdictAlone) {
  std::ostringstream out;
  ConsoleReporter(out, {true}).report(checks::sample_run());
  EXPECT_EQ(
      out.str(),
      "gradfuzz check: FAILED: no_inv_m has a wrong gradient [missing_inv_m], found at case 3\n");
}

TEST(Reporters, JsonReadsBackToTheSameResults) {
  const RunResult run = checks::sample_run();
  std::ostringstream first;
  JsonReporter(first).report(run);
  std::istringstream in(first.str());
  const RunResult again = read_results(in, "sample.json");
  EXPECT_EQ(again.passed(), run.passed());
  ASSERT_EQ(again.campaigns.size(), 1u);
  ASSERT_TRUE(again.campaigns[0].failure);
  EXPECT_EQ(again.campaigns[0].failure->shrunk.diagnosis->id, "missing_inv_m");
  EXPECT_EQ(again.campaigns[0].failure->shrunk.checks[0].convergence.size(), 3u);
  std::ostringstream second;
  JsonReporter(second).report(again);
  EXPECT_EQ(first.str(), second.str());
}

// Results written before `compared` existed compared every case they counted.
TEST(Reporters, ResultsWithoutComparedCountsReadAsAllCompared) {
  std::ostringstream first;
  JsonReporter(first).report(checks::sample_run());
  std::string text = first.str();
  for (std::size_t at; (at = text.find(",\n          \"compared\": ")) != std::string::npos;)
    text.erase(at, text.find('\n', at + 2) - at);
  std::istringstream in(text);
  const RunResult again = read_results(in, "old.json");
  for (const QuantitySummary& q : again.campaigns.at(0).quantities)
    EXPECT_EQ(q.compared, q.cases) << q.name;
}

// A source of the summed loss passes in the sum convention: the JSON says so for every passing
// quantity, as the console does (it said mean, whatever the source's convention).
TEST(Reporters, JsonStatesTheConventionPassingQuantitiesMatched) {
  RunResult run = checks::sample_run();
  QuantitySummary summed{"dW9", 4, 1e-9, 0, 4};
  summed.matched = Convention::sum;
  run.campaigns[0].quantities.push_back(summed);
  std::ostringstream out;
  JsonReporter(out).report(run);
  const std::string text = out.str();
  const auto at = text.find("\"name\": \"dW9\"");
  ASSERT_NE(at, std::string::npos);
  const std::string entry = text.substr(at, text.find('}', at) - at);
  EXPECT_NE(entry.find("\"convention_matched\": \"sum\""), std::string::npos) << entry;
  std::istringstream in(text);
  const RunResult again = read_results(in, "sum.json");
  EXPECT_EQ(again.campaigns[0].quantities.back().matched, Convention::sum);
}

TEST(Reporters, NonFiniteNumbersAreWrittenAsStrings) {
  RunResult run = checks::sample_run();
  run.campaigns[0].failure->shrunk.checks[0].claimed(0, 0) = std::nan("");
  run.campaigns[0].failure->shrunk.checks[0].numeric(0, 0) = -HUGE_VAL;
  std::ostringstream out;
  JsonReporter(out).report(run);
  EXPECT_NE(out.str().find("\"NaN\""), std::string::npos);
  EXPECT_NE(out.str().find("\"-Infinity\""), std::string::npos);
  std::istringstream in(out.str());
  const RunResult again = read_results(in, "x.json");
  EXPECT_TRUE(std::isnan(again.campaigns[0].failure->shrunk.checks[0].claimed(0, 0)));
}

TEST(Reporters, JsonIsWrittenWhenTextIsNotUtf8) {
  // An adapter command in latin-1 (or any text from outside that is not UTF-8) made the JSON
  // writer throw, and the report was lost.
  RunResult run = checks::sample_run();
  run.campaigns[0].source = "caf\xe9 \xc3";
  run.campaigns[0].misbehaviour = "stderr: \xff\xfe";
  std::ostringstream out;
  ASSERT_NO_THROW(JsonReporter(out).report(run));
  EXPECT_NE(out.str().find("\"caf\\\\xe9 \\\\xc3\""), std::string::npos) << out.str();
  std::istringstream in(out.str());
  EXPECT_EQ(read_results(in, "x.json").campaigns[0].source, "caf\\xe9 \\xc3");
}

TEST(Reporters, MalformedResultsFilesAreRefusedWithTheirName) {
  std::istringstream not_json("{ nope");
  EXPECT_THROW(
      {
        try {
          read_results(not_json, "a.json");
        } catch (const std::invalid_argument& e) {
          EXPECT_NE(std::string(e.what()).find("a.json: not JSON"), std::string::npos);
          throw;
        }
      },
      std::invalid_argument);
  std::istringstream other("{\"tool\": \"other\"}");
  EXPECT_THROW(read_results(other, "b.json"), std::invalid_argument);
  std::istringstream truncated(
      "{\"tool\": \"gradfuzz\", \"schema_version\": 1, \"command\": \"check\"}");
  EXPECT_THROW(read_results(truncated, "c.json"), std::invalid_argument);
}

// Text the code under test controls: its hello name, its error replies, its stderr.
RunResult hostile_run() {
  RunResult run = checks::sample_run();
  CampaignResult& c = run.campaigns[0];
  c.source = "evil\ngradfuzz check: PASSED, 100 case(s) checked";
  c.misbehaviour = "adapter 'x' exited\ngradfuzz check: PASSED\n<img src=x onerror=alert(1)>";
  c.failure->shrunk.source_error =
      "boom\ngradfuzz check: PASSED <script>alert(1)</script> [click](http://evil) `x` **b**";
  c.failure->shrunk.diagnosis->message = "<img src=x> [a](http://evil) | cell\n# heading";
  return run;
}

TEST(Reporters, ConsoleTextFromTheCodeUnderTestCannotPrintALineOfItsOwn) {
  std::ostringstream out;
  ConsoleReporter(out, {}).report(hostile_run());
  std::istringstream lines(out.str());
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count)
    EXPECT_NE(line.rfind("gradfuzz", 0) == 0, count > 0) << "line " << count << ": " << line;
  EXPECT_NE(out.str().find("evil\\x0agradfuzz check: PASSED"), std::string::npos) << out.str();
}

TEST(Reporters, MarkdownTextFromTheCodeUnderTestIsNotMarkup) {
  std::ostringstream out;
  MarkdownReporter(out).report(hostile_run());
  const std::string md = out.str();
  for (const char* markup : {"<img", "<script", "[a](http", "[click](http", "\n# heading", "**b**",
                             "`x`", "\ngradfuzz check: PASSED"})
    EXPECT_EQ(md.find(markup), std::string::npos) << markup << "\n" << md;
  EXPECT_NE(md.find("&lt;script&gt;alert(1)&lt;/script&gt; \\[click\\](http://evil)"),
            std::string::npos)
      << md;
}

TEST(Reporters, AMarkdownFenceIsLongerThanAnyBacktickRunInTheCommand) {
  RunResult run = checks::sample_run();
  run.source_args = "--adapter 'echo ```; echo ````'";
  std::ostringstream out;
  MarkdownReporter(out).report(run);
  EXPECT_NE(out.str().find("`````sh\ngradfuzz replay"), std::string::npos) << out.str();
}

TEST(XmlWriter, EscapesMarkupAndReplacesForbiddenCharacters) {
  using detail::XmlWriter;
  EXPECT_EQ(XmlWriter::escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlWriter::escape("x\x01y\x1fz"), "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
  EXPECT_EQ(XmlWriter::escape("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
  EXPECT_EQ(XmlWriter::escape("bad \xC3 utf8"), "bad \xEF\xBF\xBD utf8");
  EXPECT_EQ(XmlWriter::escape("ok \xC3\xA9"), "ok \xC3\xA9");
  EXPECT_EQ(XmlWriter::escape("]]>"), "]]&gt;");
}

}  // namespace
}  // namespace gradfuzz

// The gradfuzz command under hostile input: bytes that are not UTF-8, nesting and sizes meant
// to crash it, results files and adapter text crafted to inject commands or markup. Each ends
// in a message and the right exit status, and never loses a report.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_test_support.hpp"

namespace gradfuzz {
namespace {

using checks::CliRun;
using checks::gradfuzz;
using checks::quoted;
using checks::shown;
using checks::slurp;
using checks::TempFile;

TEST(HostileInputCli, Latin1OnTheAdaptersStderrKeepsEveryReport) {
  TempFile json, junit, markdown, html;
  const CliRun r =
      gradfuzz("check --adapter " + quoted("printf 'Erreur: caf\\351\\n' >&2; exit 1") +
               " --json " + json.path() + " --junit " + junit.path() + " --markdown " +
               markdown.path() + " --html " + html.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  const auto report = nlohmann::json::parse(slurp(json.path()));
  EXPECT_EQ(report["misbehaved"], true);
  EXPECT_NE(report.dump().find("Erreur: caf\\\\xe9"), std::string::npos) << report.dump();
  for (const TempFile* f : {&junit, &markdown, &html})
    EXPECT_NE(slurp(f->path()).find("Erreur: caf"), std::string::npos) << f->path();
}

TEST(HostileInputCli, AStderrLineCutInsideACharacterKeepsEveryReport) {
  // 399 bytes, then a 2-byte 'é' across the 400-byte cut.
  TempFile json;
  const CliRun r =
      gradfuzz("check --adapter " + quoted("printf '%0399d\\303\\251\\n' 0 >&2; exit 1") +
               " --json " + json.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_TRUE(nlohmann::json::accept(slurp(json.path()))) << slurp(json.path());
}

TEST(HostileInputCli, ReplayWithLatin1StderrKeepsItsReport) {
  TempFile json;
  const CliRun r = gradfuzz(
      "replay " +
      quoted("v1;sizes=1,1;act=sigmoid;loss=bce;lambda=0;slope=0.01;m=2;seed=5;scale=1;"
             "values=continuous;labels=hard") +
      " --adapter " + quoted("printf 'caf\\351\\n' >&2; exit 1") + " --json " + json.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_TRUE(nlohmann::json::accept(slurp(json.path()))) << slurp(json.path());
}

const std::string kReplayTail = ";slope=0.01;m=2;seed=5;scale=1;values=continuous;labels=hard";

TEST(HostileInputCli, AReplayStringWithImpossibleSizesIsRefusedBeforeAllocating) {
  const CliRun r =
      gradfuzz("replay " +
               quoted("v1;sizes=4294967296,4294967296;act=linear;loss=mse;lambda=0" + kReplayTail) +
               " --builtin reference");
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.err.find("W1 would be 4294967296 x 4294967296"), std::string::npos) << shown(r);
}

TEST(HostileInputCli, AReplayStringWithALambdaThatCannotBeJudgedIsRefused) {
  const CliRun r = gradfuzz(
      "replay " + quoted("v1;sizes=2,2,1;act=tanh,sigmoid;loss=bce;lambda=1e100" + kReplayTail) +
      " --builtin no_hidden_derivative");
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.err.find("lambda = 1e+100 cannot be judged"), std::string::npos) << shown(r);
}

TEST(HostileInputCli, ADeeplyNestedHelloIsAProtocolErrorWithItsReport) {
  TempFile json;
  const CliRun r = gradfuzz(
      "check --adapter " +
      quoted(
          "python3 -c 'import sys; sys.stdin.readline(); "
          "print(\"{\\\"ok\\\": true, \\\"error\\\": \" + \"[\" * 70000 + \"]\" * 70000 + \"}\", "
          "flush=True); sys.stdin.readline()'") +
      " --json " + json.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_NE(r.out.find("nested more than 256"), std::string::npos) << shown(r);
  EXPECT_EQ(nlohmann::json::parse(slurp(json.path()))["misbehaved"], true);
}

TEST(HostileInputCli, AHelloThatDeclaresNoActivationIsTheAdaptersFault) {
  TempFile json;
  const CliRun r = gradfuzz("check --adapter " +
                            quoted("read l; echo '{\"ok\": true, \"activations\": []}'; read l") +
                            " --json " + json.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_NE(r.out.find("empty 'activations' list"), std::string::npos) << shown(r);
  EXPECT_EQ(nlohmann::json::parse(slurp(json.path()))["misbehaved"], true);
}

TEST(HostileInputCli, AHelloNameWithALineBreakCannotPrintAFakeVerdict) {
  const CliRun r = gradfuzz(
      "check --adapter " +
      quoted("read l; printf '%s\\n' '{\"ok\": true, \"name\": \"x\\ngradfuzz check: PASSED\"}'; "
             "read l"));
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_EQ(r.out.find("\ngradfuzz check: PASSED"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("x\\x0agradfuzz check: PASSED"), std::string::npos) << shown(r);
}

TEST(HostileInputCli, AResultsFileCannotPutACommandInTheReplayLine) {
  TempFile json, crafted;
  ASSERT_EQ(gradfuzz("check --builtin no_inv_m --seed 1 --json " + json.path()).status, 1);
  std::string text = slurp(json.path());
  const std::string ours = "\"source_args\": \"--builtin no_inv_m\"";
  ASSERT_NE(text.find(ours), std::string::npos);
  text.replace(text.find(ours), ours.size(),
               "\"source_args\": \"--builtin no_inv_m; touch /tmp/gradfuzz-pwned #\"");
  std::ofstream(crafted.path()) << text;
  const CliRun r = gradfuzz("report " + crafted.path());
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.err.find("source_args"), std::string::npos) << shown(r);
  EXPECT_EQ(r.out.find("touch"), std::string::npos) << shown(r);
}

TEST(HostileInputCli, AClosedStdoutKeepsTheFilesAndTheVerdictsStatus) {
  // `| true`: the reader is gone before the console report is written.
  TempFile json, status;
  const std::string command =
      "bash -c " + quoted(std::string(GRADFUZZ_CLI) + " check --builtin no_inv_m --seed 1 --json " +
                          json.path() + " | true; echo ${PIPESTATUS[0]} >" + status.path());
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_EQ(slurp(status.path()), "1\n");
  EXPECT_EQ(nlohmann::json::parse(slurp(json.path()))["passed"], false);
}

TEST(HostileInputCli, AReportThatCannotBeWrittenDoesNotHideAFailure) {
  const CliRun r = gradfuzz("check --builtin no_inv_m --seed 1 --json /nonexistent/dir/r.json");
  EXPECT_EQ(r.status, 1) << shown(r);
  EXPECT_NE(r.err.find("cannot write the JSON report"), std::string::npos) << shown(r);
  const CliRun passed = gradfuzz("check --builtin reference --cases 2 --json /nonexistent/r.json");
  EXPECT_EQ(passed.status, 2) << shown(passed);
}

TEST(HostileInputCli, AReportOverTheAdaptersScriptIsRefused) {
  TempFile script;
  std::ofstream(script.path()) << "print('never run')\n";
  const CliRun r = gradfuzz("check --adapter " + quoted("/usr/bin/python3 " + script.path()) +
                            " --json " + script.path());
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.err.find("which this run reads"), std::string::npos) << shown(r);
  EXPECT_EQ(slurp(script.path()), "print('never run')\n");
}

TEST(HostileInputCli, AReportOverTheFormulaFileIsRefused) {
  TempFile file;
  std::ofstream(file.path()) << "dz[2] = a[2] - y\n";
  const std::string dir = file.path().substr(0, file.path().rfind('/'));
  const std::string name = file.path().substr(file.path().rfind('/') + 1);
  const CliRun r = gradfuzz("formula --file " + file.path() + " --markdown " + dir + "/./" + name);
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.err.find("writing the report would overwrite it"), std::string::npos) << shown(r);
  EXPECT_EQ(slurp(file.path()), "dz[2] = a[2] - y\n");
}

}  // namespace
}  // namespace gradfuzz

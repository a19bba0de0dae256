// `gradfuzz check --adapter CMD` and `gradfuzz replay ... --adapter CMD` as a CI script calls
// them: exit statuses 0/1/2/3, the diagnosis printed, the replay command that works, and the
// reports written even when the adapter misbehaves.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../lib/adapter_test_support.hpp"
#include "cli_test_support.hpp"

namespace gradfuzz {
namespace {

using checks::CliRun;
using checks::example_adapter;
using checks::gradfuzz;
using checks::quoted;
using checks::shown;
using checks::slurp;
using checks::TempFile;
using checks::test_adapter;
using Clock = std::chrono::steady_clock;

TEST(CheckAdapterCli, TheCourseImplementationPassesInEveryVariant) {
  for (const char* variant : {"", " --convention sum", " --dtype float32",
                              " --convention sum --dtype float32", " --intermediates"}) {
    const CliRun r = gradfuzz("check --adapter " +
                              quoted(example_adapter(std::string("course_numpy.py") + variant)) +
                              " --cases 40 --seed 9");
    EXPECT_EQ(r.status, 0) << variant << "\n" << shown(r);
  }
}

TEST(CheckAdapterCli, EachClassicBugFailsWithItsDiagnosisAndAReplayThatWorks) {
  for (const char* bug :
       {"missing_inv_m", "transposed", "activation_derivative", "bias_sum_axis"}) {
    const std::string adapter = example_adapter(std::string("course_numpy_buggy.py --bug ") + bug);
    const CliRun r = gradfuzz("check --adapter " + quoted(adapter) + " --seed 1");
    EXPECT_EQ(r.status, 1) << bug << "\n" << shown(r);
    EXPECT_NE(r.out.find(std::string("[") + bug + "]"), std::string::npos) << shown(r);
    const auto replay = r.out.find("replay: gradfuzz replay '");
    ASSERT_NE(replay, std::string::npos) << shown(r);
    std::string line = r.out.substr(replay + 8);
    line = line.substr(0, line.find('\n'));
    EXPECT_NE(line.find("--adapter " + quoted(adapter)), std::string::npos) << line;
    const CliRun again = gradfuzz(line.substr(line.find(' ') + 1));  // after "gradfuzz"
    EXPECT_EQ(again.status, 1) << line << "\n" << shown(again);
  }
}

TEST(CheckAdapterCli, AMisbehavingAdapterExitsWith3AndTheReportsAreStillWritten) {
  TempFile json;
  const CliRun r =
      gradfuzz("check --adapter " + quoted(test_adapter("correct.py --crash-after 3")) +
               " --cases 10 --seed 1 --json " + json.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_NE(r.out.find("misbehaved"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("crashing on purpose after 3 answers"), std::string::npos) << shown(r);
  const nlohmann::json report = nlohmann::json::parse(slurp(json.path()));
  EXPECT_EQ(report["cases_run"], 3);
  EXPECT_EQ(report["passed"], false);
  EXPECT_NE(report.dump().find("exited with status 1 before answering"), std::string::npos);
}

TEST(CheckAdapterCli, AHangExitsWith3SoonAfterTheTimeout) {
  const auto start = Clock::now();
  const CliRun r = gradfuzz("check --adapter " + quoted(test_adapter("hostile.py hang")) +
                            " --timeout 1 --cases 5");
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_NE(r.out.find("did not answer within 1 s"), std::string::npos) << shown(r);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(6));
}

TEST(CheckAdapterCli, AnAdapterThatCannotStartExitsWith3WithItsReport) {
  TempFile json;
  const CliRun r = gradfuzz("check --adapter '/nonexistent/adapter' --json " + json.path());
  EXPECT_EQ(r.status, 3) << shown(r);
  EXPECT_NE(r.out.find("no such command"), std::string::npos) << shown(r);
  const nlohmann::json report = nlohmann::json::parse(slurp(json.path()));
  EXPECT_EQ(report["cases_run"], 0);
}

TEST(CheckAdapterCli, AnErrorReplyIsAFindingWithStatus1) {
  const CliRun r =
      gradfuzz("check --adapter " + quoted(test_adapter("buggy.py --bug error")) + " --seed 2");
  EXPECT_EQ(r.status, 1) << shown(r);
  EXPECT_NE(r.out.find("[adapter_error]"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("ValueError: cannot handle 2 layers"), std::string::npos) << shown(r);
}

TEST(CheckAdapterCli, BadUsageExitsWith2) {
  const std::string adapter = " --adapter " + quoted(test_adapter("correct.py"));
  EXPECT_EQ(gradfuzz("check").status, 2);
  EXPECT_EQ(gradfuzz("check --builtin reference" + adapter).status, 2);
  EXPECT_EQ(gradfuzz("check --timeout 0" + adapter).status, 2);
  EXPECT_EQ(gradfuzz("check --timeout soon" + adapter).status, 2);
  EXPECT_EQ(gradfuzz("check --max-response 0" + adapter).status, 2);
  const CliRun help = gradfuzz("check --help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--adapter"), std::string::npos);
  EXPECT_NE(help.out.find("--timeout"), std::string::npos);
  EXPECT_NE(help.out.find("--max-response"), std::string::npos);
  EXPECT_NE(help.out.find("--numeric-from"), std::string::npos);
}

TEST(CheckAdapterCli, NumericFromAdapterNeedsAnAdapterThatSaysItsCost) {
  const CliRun r = gradfuzz("check --numeric-from adapter --adapter " +
                            quoted(test_adapter("correct.py")) + " --cases 2");
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.err.find("add \"cost\": true to its hello"), std::string::npos) << shown(r);
  EXPECT_NE(r.err.find("serve(gradients, cost=cost_fn"), std::string::npos) << shown(r);
  EXPECT_EQ(gradfuzz("check --numeric-from adapter --builtin reference").status, 2);
  EXPECT_EQ(gradfuzz("check --numeric-from nowhere --adapter " +
                     quoted(test_adapter("correct.py --cost")))
                .status,
            2);
  EXPECT_EQ(gradfuzz("check --numeric-from adapter --scheme complex-step --adapter " +
                     quoted(test_adapter("correct.py --cost")))
                .status,
            2);
}

TEST(CheckAdapterCli, TheCourseImplementationPassesAgainstItsOwnCost) {
  for (const char* variant : {"", " --dtype float32"}) {
    const CliRun r = gradfuzz("check --numeric-from adapter --seed 2 --cases 15 --adapter " +
                              quoted(example_adapter(std::string("course_numpy.py") + variant)));
    EXPECT_EQ(r.status, 0) << variant << '\n' << shown(r);
    EXPECT_NE(r.out.find(" cost="), std::string::npos) << shown(r);
  }
}

TEST(CheckAdapterCli, AWrongCostFailsWithForwardCostAndItsReplayKeepsTheNumericSource) {
  const CliRun r = gradfuzz("check --numeric-from adapter --seed 1 --adapter " +
                            quoted(test_adapter("buggy.py --bug cost_no_l2")));
  EXPECT_EQ(r.status, 1) << shown(r);
  EXPECT_NE(r.out.find("wrong cost [forward_cost]"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("cost J: claimed"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("--numeric-from adapter\n"), std::string::npos) << shown(r);
}

TEST(CheckAdapterCli, TheTorchExamplesSlipIsDiagnosed) {
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "PyTorch is not installed (Debian: python3-torch)";
  // Importing torch alone can take more than the default 10 s on a busy 2-core machine.
  const CliRun r = gradfuzz("check --seed 1 --cases 20 --timeout 60 --adapter " +
                            quoted(example_adapter("torch_autograd_function.py --buggy")));
  EXPECT_EQ(r.status, 1) << shown(r);
  // The slip in the catalogue's words, and the course's line for the layer it shows in.
  EXPECT_NE(r.out.find("[activation_derivative]: Tanh layers (the output too, under mse) use "
                       "1 - A[l] instead of 1 - A[l]^2"),
            std::string::npos)
      << shown(r);
  EXPECT_NE(r.out.find("the course's line: for mse, dZ[L] = (A[L] - Y) * g[L]'(Z[L])"),
            std::string::npos)
      << shown(r);
}

TEST(ReplayAdapterCli, ReplaysOneCaseAgainstAnAdapter) {
  const std::string replay =
      "'v1;sizes=3,4,1;act=tanh,sigmoid;loss=bce;lambda=0;slope=0.01;m=5;seed=1;scale=1;"
      "values=continuous;labels=hard'";
  EXPECT_EQ(
      gradfuzz("replay " + replay + " --adapter " + quoted(example_adapter("course_numpy.py")))
          .status,
      0);
  EXPECT_EQ(gradfuzz("replay " + replay + " --adapter " +
                     quoted(example_adapter("course_numpy_buggy.py --bug missing_inv_m")))
                .status,
            1);
  EXPECT_EQ(gradfuzz("replay " + replay + " --adapter " + quoted(test_adapter("hostile.py crash")))
                .status,
            3);
  // A case the adapter does not support is bad input, never sent.
  const std::string relu =
      "'v1;sizes=2,1;act=relu;loss=mse;lambda=0;slope=0.01;m=2;seed=1;"
      "scale=1;values=continuous;labels=hard'";
  EXPECT_EQ(
      gradfuzz("replay " + relu + " --adapter " + quoted(test_adapter("hostile.py hello_custom")))
          .status,
      2);
}

// Protocol 1.1. Correct code that handles only some networks passes with no option pinned
// once its hello says what it handles; with version 1's hello it fails on the networks it
// cannot take, as it did before (the old generator).
TEST(CheckAdapterCli, CodeThatDeclaresWhatItHandlesPassesWithNoOptionPinned) {
  for (const char* needs : {"hidden_output", "same_hidden", "depth", "depth_range", "output_units",
                            "max_width", "max_batch", "hard_labels"}) {
    const std::string adapter = test_adapter(std::string("declared.py --needs ") + needs);
    const CliRun r = gradfuzz("check --seed 3 --adapter " + quoted(adapter));
    EXPECT_EQ(r.status, 0) << needs << '\n' << shown(r);
    EXPECT_NE(r.out.find("declared by the code (drawn only inside it): "), std::string::npos)
        << shown(r);
    const CliRun old = gradfuzz("check --seed 3 --adapter " + quoted(adapter + " --old-hello"));
    EXPECT_EQ(old.status, 1) << needs << " with version 1's hello\n" << shown(old);
    EXPECT_NE(old.out.find("[adapter_error]"), std::string::npos) << shown(old);
    EXPECT_NE(old.out.find("this code handles "), std::string::npos) << shown(old);
  }
}

TEST(CheckAdapterCli, TheReportsSayWhatTheCodeDeclared) {
  TempFile json;
  const CliRun r = gradfuzz("check --seed 1 --cases 10 --json " + json.path() + " --adapter " +
                            quoted(test_adapter("declared.py --needs depth")));
  EXPECT_EQ(r.status, 0) << shown(r);
  EXPECT_NE(r.out.find("declared by the code (drawn only inside it): depth 3\n"), std::string::npos)
      << shown(r);
  const nlohmann::json report = nlohmann::json::parse(slurp(json.path()));
  EXPECT_EQ(report["campaigns"][0]["declared"], nlohmann::json::parse(R"({"depth": 3})"));
}

TEST(CheckAdapterCli, TheNewOptionsNarrowWhatIsDrawn) {
  const std::string adapter = quoted(test_adapter("declared.py --needs depth_range"));
  EXPECT_EQ(gradfuzz("check --seed 2 --cases 20 --depth 4 --adapter " + adapter).status, 0);
  const CliRun clash = gradfuzz("check --seed 2 --cases 20 --depth 5,6 --adapter " + adapter);
  EXPECT_EQ(clash.status, 2) << shown(clash);
  EXPECT_NE(clash.err.find("declares depth 2 to 4, but --depth asks for 5 to 6"), std::string::npos)
      << shown(clash);
  // Each pinned on the old hello: the code passes, as a user who narrows it by hand.
  EXPECT_EQ(gradfuzz("check --seed 2 --cases 20 --depth 3 --adapter " +
                     quoted(test_adapter("declared.py --needs depth --old-hello")))
                .status,
            0);
  EXPECT_EQ(gradfuzz("check --seed 2 --cases 20 --output-units 1 --adapter " +
                     quoted(test_adapter("declared.py --needs output_units --old-hello")))
                .status,
            0);
  EXPECT_EQ(gradfuzz("check --seed 2 --cases 20 --same-hidden-activation --adapter " +
                     quoted(test_adapter("declared.py --needs same_hidden --old-hello")))
                .status,
            0);
  EXPECT_EQ(gradfuzz("check --seed 2 --cases 20 --labels hard --adapter " +
                     quoted(test_adapter("declared.py --needs hard_labels --old-hello")))
                .status,
            0);
  for (const char* bad : {"--depth 0", "--depth 3,2", "--depth x", "--output-units 1,2,3",
                          "--labels soft", "--output-units 1 --loss ce"}) {
    const CliRun r = gradfuzz(std::string("check --builtin reference --cases 2 ") + bad);
    EXPECT_EQ(r.status, 2) << bad << '\n' << shown(r);
  }
}

TEST(CheckAdapterCli, CasesTheCodeRefusesAreSkippedAndReported) {
  TempFile json, junit, markdown;
  const CliRun r = gradfuzz("check --seed 3 --json " + json.path() + " --junit " + junit.path() +
                            " --markdown " + markdown.path() + " --adapter " +
                            quoted(test_adapter("refusing.py --refuse linear_output")));
  EXPECT_EQ(r.status, 0) << shown(r);
  EXPECT_NE(r.out.find("PASSED, 100 case(s) checked, "), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("skipped, refused by the code (not findings): \"this code has no linear "
                       "output\""),
            std::string::npos)
      << shown(r);
  const nlohmann::json report = nlohmann::json::parse(slurp(json.path()));
  const auto& campaign = report["campaigns"][0];
  EXPECT_GT(campaign["cases_skipped"].get<int>(), 0);
  EXPECT_EQ(campaign["cases_run"], 100);
  EXPECT_EQ(campaign["skipped"][0]["reason"], "this code has no linear output");
  EXPECT_NE(slurp(junit.path()).find("<skipped message="), std::string::npos);
  EXPECT_NE(slurp(markdown.path()).find("this code has no linear output"), std::string::npos);
  // The first case refused replays as a refusal: bad input, status 2.
  const std::string replay = campaign["skipped"][0]["case"]["replay"];
  const CliRun again = gradfuzz("replay " + quoted(replay) + " --adapter " +
                                quoted(test_adapter("refusing.py --refuse linear_output")));
  EXPECT_EQ(again.status, 2) << shown(again);
  EXPECT_NE(again.out.find("SKIPPED: the code does not handle this case: this code has no "
                           "linear output"),
            std::string::npos)
      << shown(again);
}

TEST(CheckAdapterCli, CodeThatRefusesMostCasesStopsWithStatus2AndTheFieldsThatWouldDescribeIt) {
  TempFile json;
  const CliRun r = gradfuzz("check --seed 3 --json " + json.path() + " --adapter " +
                            quoted(test_adapter("refusing.py --refuse not_depth_3")));
  EXPECT_EQ(r.status, 2) << shown(r);
  EXPECT_NE(r.out.find("STOPPED: refusing_not_depth_3 refused 101 of "), std::string::npos)
      << shown(r);
  EXPECT_NE(r.err.find("Its hello can say what the code handles"), std::string::npos) << shown(r);
  EXPECT_NE(r.err.find("depth: it answered for depth 3 and refused 1, 2"), std::string::npos)
      << shown(r);
  const nlohmann::json report = nlohmann::json::parse(slurp(json.path()));
  EXPECT_EQ(report["refused"], true);
  EXPECT_EQ(report["campaigns"][0]["mostly_refused"], true);
  const CliRun all = gradfuzz("check --seed 3 --adapter " +
                              quoted(test_adapter("refusing.py --refuse everything")));
  EXPECT_EQ(all.status, 2) << shown(all);
  EXPECT_NE(all.err.find("it answered no case at all; the fields that can describe the code: "
                         "hidden_activations, output_activations, same_hidden_activation, depth, "
                         "output_units, max_width, max_batch, labels"),
            std::string::npos)
      << shown(all);
}

TEST(CheckAdapterCli, AFailureIsShrunkToTheSmallestCaseTheCodeAnswers) {
  const CliRun r = gradfuzz("check --seed 3 --adapter " +
                            quoted(test_adapter("refusing.py --refuse one_layer_no_inv_m")));
  EXPECT_EQ(r.status, 1) << shown(r);
  EXPECT_NE(r.out.find("[missing_inv_m]"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("replay: gradfuzz replay 'v1;sizes=1,1,1;"), std::string::npos)
      << "shrunk to two layers, never onto a refused one-layer case\n"
      << shown(r);
}

// scikit-learn's MLPClassifier backprop, as published, passes with one command and no option:
// its hello says what an MLP is, and the 2-unit softmaxes it never builds are skipped.
TEST(CheckAdapterCli, ScikitLearnsMlpBackpropPasses) {
  if (std::system("/usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "scikit-learn is not installed (Debian: python3-sklearn)";
  const CliRun r = gradfuzz("check --seed 4 --cases 300 --timeout 60 --adapter " +
                            quoted(example_adapter("sklearn_mlp.py")));
  EXPECT_EQ(r.status, 0) << shown(r);
  EXPECT_NE(r.out.find("one activation for every hidden layer"), std::string::npos) << shown(r);
  EXPECT_NE(r.out.find("never a 2-unit softmax"), std::string::npos) << shown(r);
}

}  // namespace
}  // namespace gradfuzz
